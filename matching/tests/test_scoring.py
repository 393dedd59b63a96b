"""Scoring a given grouping and checking one move, by the engine's own rules."""

import pytest

from matching import MoveConflict, Person, form_groups, move_conflicts, score_grouping
from matching.tests.test_grouping import WEIGHTS, make_people, objective_by_definition


def test_the_score_of_a_formed_grouping_is_the_engines_own():
    people = make_people(30, 2)
    ids = [p.id for p in people]
    rules = dict(
        max_per={"branch": 4},
        keep_together=[ids[:2]],
        apart=[(ids[2], ids[3])],
    )
    res = form_groups(
        people, sizes=(7, 8), mix=WEIGHTS, seed=1, time_limit=0.3, **rules
    )

    groups = len(res.groups)
    scores = score_grouping(
        people, res.assignment, groups=groups, sizes=(7, 8), mix=WEIGHTS, **rules
    )

    assert scores.objective == pytest.approx(res.objective)
    for mine, engine in zip(scores.groups, res.groups, strict=True):
        assert set(mine.members) == set(engine.members)
        assert mine.diversity == pytest.approx(engine.diversity)
        assert mine.ranges["years"] == pytest.approx(engine.ranges["years"])
        assert mine.mix["organisation"] == dict(engine.mix["organisation"])
    assert [r.rule for r in scores.rules] == [
        "sizes",
        "max_per:branch",
        "apart",
        "keep_together",
    ]
    assert all(r.satisfied for r in scores.rules)
    assert scores.categorical == ("organisation", "branch")
    assert scores.numeric == ("years",)


def test_a_grouping_changed_by_hand_is_scored_with_its_broken_rules():
    people = make_people(12, 4)
    ids = [p.id for p in people]
    assignment = {pid: 0 if i < 8 else 1 for i, pid in enumerate(ids)}

    scores = score_grouping(
        people,
        assignment,
        groups=3,
        sizes=(3, 5),
        mix=WEIGHTS,
        max_per={"branch": 1},
        keep_together=[[ids[0], ids[9]], [ids[1], ids[2]]],
        apart=[(ids[0], ids[1]), (ids[0], ids[10])],
    )

    rules = {r.rule: r for r in scores.rules}
    assert not rules["sizes"].satisfied
    assert rules["max_per:branch"].satisfied is False
    assert rules["max_per:branch"].achieved > 1
    assert (rules["apart"].achieved, rules["apart"].total) == (1, 2)
    assert (rules["keep_together"].achieved, rules["keep_together"].total) == (1, 2)
    assert scores.groups[2].size == 0 and scores.groups[2].diversity == 0
    assert scores.objective == pytest.approx(
        objective_by_definition(people, assignment, WEIGHTS)
    )


def test_a_group_index_out_of_range_is_refused():
    people = make_people(4, 1)
    with pytest.raises(ValueError, match=r"groups are 0\.\.1"):
        score_grouping(people, {p.id: 2 for p in people}, groups=2, mix=WEIGHTS)


def people_of(*rows):
    return [Person(pid, {"organisation": org}) for pid, org in rows]


def test_a_move_is_checked_against_every_hard_rule():
    people = people_of(("a", "X"), ("b", "X"), ("c", "Y"), ("d", "Z"), ("e", "X"))
    assignment = {"a": 0, "b": 1, "c": 1, "d": 0, "e": 0}

    conflicts = move_conflicts(
        people,
        assignment,
        "a",
        1,
        max_per={"organisation": 1},
        keep_together=[["d", "e"], ["a"]],
        apart=[("a", "c"), ("d", "a")],
    )

    assert conflicts == (
        MoveConflict("keep_together", kept_set=1),
        MoveConflict("max_per", "organisation", "X", count=1, limit=1),
        MoveConflict("apart", pair=("a", "c")),
    )


def test_a_move_that_keeps_the_rules_has_no_conflicts():
    people = people_of(("a", "X"), ("b", "Y"), ("c", "X"))
    assignment = {"a": 0, "b": 1, "c": 0}

    assert (
        move_conflicts(
            people,
            assignment,
            "a",
            1,
            max_per={"organisation": 1},
            apart=[("a", "c"), ("b", "c")],
        )
        == ()
    )
