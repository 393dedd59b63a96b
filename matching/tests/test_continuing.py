"""Ways out when full continuing groups and the group size cannot all hold."""

import pytest

from matching import ConflictError, Person, form_groups, score_grouping, ways_out

BRANCHES = ("state", "municipal", "region")


def five_full_groups(newcomers):
    """Five continuing groups of ten (the largest size) and some newcomers,
    every person from an organisation of their own."""
    people, kept = [], []
    for g in range(5):
        members = []
        for i in range(10):
            pid = f"kept{g}-{i}"
            people.append(
                Person(
                    pid,
                    {
                        "organisation": f"org {g}-{i}",
                        "branch": BRANCHES[(g + i) % 3],
                        "years": (i * 7) % 30,
                    },
                )
            )
            members.append(pid)
        kept.append(members)
    for i in range(newcomers):
        people.append(
            Person(
                f"new{i}",
                {"organisation": f"new org {i}", "branch": BRANCHES[i % 3], "years": i},
            )
        )
    return people, kept


RULES = {"max_per": {"organisation": 1}}


def assert_every_hard_rule_holds(people, way, kept):
    low, high = way.sizes
    grouping = way.grouping
    scores = score_grouping(
        people,
        grouping.assignment,
        sizes=way.sizes,
        keep_together=way.keep_together,
        **RULES,
    )
    assert all(rule.satisfied for rule in scores.rules), scores.rules
    assert all(low <= group.size <= high for group in grouping.groups)
    assert sorted(grouping.assignment) == sorted(p.id for p in people)
    for s, members in enumerate(kept):
        stayed = [p for p in members if p not in way.volunteers]
        assert len({grouping.assignment[p] for p in stayed}) <= (
            2 if way.split == s else 1
        )


@pytest.mark.parametrize("newcomers", [1, 5, 12])
def test_five_full_continuing_groups_and_newcomers_clash_without_a_way_out(newcomers):
    people, kept = five_full_groups(newcomers)

    with pytest.raises(ConflictError) as error:
        form_groups(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    assert {"sizes", "keep_together"} <= set(error.value.reasons[0].details["rules"])


@pytest.mark.parametrize("newcomers", [1, 5, 12])
def test_every_way_out_offered_keeps_every_hard_rule(newcomers):
    people, kept = five_full_groups(newcomers)

    ways = ways_out(
        people, sizes=(8, 10), keep_together=kept, iterations=500, seed=3, **RULES
    )

    assert ways
    for way in ways:
        assert_every_hard_rule_holds(people, way, kept)


def test_one_newcomer_may_join_a_group_that_gets_one_more_member():
    people, kept = five_full_groups(1)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    larger = next(w for w in ways if w.kind == "larger_groups")
    assert larger.sizes == (8, 11)
    assert len(larger.grouping.groups) == 5
    assert len(larger.groups_above(10)) == 1
    assert larger.new_groups() == ()


def test_five_newcomers_may_open_a_new_group_with_three_volunteers():
    people, kept = five_full_groups(5)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    new = next(w for w in ways if w.kind == "new_group")
    assert len(new.volunteers) == 3
    (index,) = new.new_groups()
    members = set(new.grouping.groups[index].members)
    assert set(new.volunteers) <= members
    assert {f"new{i}" for i in range(5)} <= members
    assert len({new.grouping.assignment[v] for v in new.volunteers}) == 1


def test_volunteers_leave_no_continuing_group_below_the_smallest_size():
    people, kept = five_full_groups(1)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    new = next(w for w in ways if w.kind == "new_group")
    assert len(new.volunteers) == 7
    assert all(len(s) >= 8 for s in new.keep_together)


def test_twelve_newcomers_get_a_group_of_their_own_and_grow_four_groups():
    people, kept = five_full_groups(12)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    larger = next(w for w in ways if w.kind == "larger_groups")
    assert len(larger.new_groups()) == 1
    assert len(larger.groups_above(10)) == 4


def test_a_continuing_group_is_split_when_its_halves_can_fill_up():
    people, kept = five_full_groups(7)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    split = next(w for w in ways if w.kind == "split_group")
    assert split.split is not None
    assert split.kept_from.count(split.split) == 2
    assert_every_hard_rule_holds(people, split, kept)


def test_shrunken_groups_take_in_the_newcomers_without_a_new_group():
    people, kept = five_full_groups(10)
    gone = {f"kept{g}-{i}" for g in range(5) for i in range(4)}
    people = [p for p in people if p.id not in gone]
    kept = [[p for p in s if p not in gone] for s in kept]
    with pytest.raises(ConflictError):
        form_groups(people, sizes=(8, 10), keep_together=kept, iterations=200, **RULES)

    ways = ways_out(people, sizes=(8, 10), keep_together=kept, iterations=500, **RULES)

    fill = next(w for w in ways if w.kind == "fill_kept_groups")
    assert len(fill.grouping.groups) == 5
    assert fill.new_groups() == ()


def test_the_same_seed_gives_the_same_ways_out():
    people, kept = five_full_groups(5)

    first, second = (
        ways_out(
            people,
            sizes=(8, 10),
            keep_together=kept,
            iterations=300,
            time_limit=0,
            seed=4,
        )
        for _ in range(2)
    )

    assert [w.grouping.assignment for w in first] == [
        w.grouping.assignment for w in second
    ]
