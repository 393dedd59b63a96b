import itertools
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.planning import CohortSlot, Manager, PlanningInfeasible, plan_cohorts

FAST = {"iterations": 3_000, "time_limit": 30.0}


@st.composite
def instances(draw, max_people=8, max_cohorts=3, started=True):
    n = draw(st.integers(1, max_people))
    k = draw(st.integers(1, max_cohorts))
    n_units = draw(st.integers(1, 4))
    cohorts = [
        CohortSlot(
            f"c{c}", capacity=draw(st.integers(0, 5)), order=draw(st.integers(0, 3))
        )
        for c in range(k)
    ]
    people = []
    for i in range(n):
        unit = draw(st.integers(0, n_units - 1))
        boss = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        pinned = draw(st.sampled_from([None] * 6 + [f"c{c}" for c in range(k)]))
        barred = frozenset(
            draw(st.lists(st.sampled_from([f"c{c}" for c in range(k)]), max_size=2))
        )
        people.append(
            Manager(
                f"m{i}",
                unit=f"u{unit}",
                department=f"d{unit % 2}",
                manager_id=None if boss is None else f"m{boss}",
                pinned=pinned,
                barred=barred,
            )
        )
    if started and k > 1 and draw(st.booleans()):
        members = draw(
            st.lists(st.sampled_from([p.id for p in people]), unique=True, max_size=3)
        )
        cohorts[0] = CohortSlot(
            "c0",
            cohorts[0].capacity,
            cohorts[0].order,
            started=True,
            members=(*members, "left-the-job"),
        )
    share = draw(st.sampled_from([0.25, 0.5, 1.0]))
    return people, cohorts, share


def limit(people, unit, share):
    return max(1, math.floor(share * sum(1 for p in people if p.unit == unit) + 1e-9))


def started_of(cohorts):
    return {m: c.id for c in cohorts if c.started for m in c.members}


def assignment_ok(people, cohorts, share, assignment) -> bool:
    """The hard rules, written independently of the planner."""
    slot = {c.id: c for c in cohorts}
    started = started_of(cohorts)
    for p in people:
        c = assignment[p.id]
        if p.id in started:
            if c != started[p.id]:
                return False
            continue
        if slot[c].started or c in p.barred:
            return False
        if p.pinned is not None and c != p.pinned:
            return False
        if p.manager_id in assignment and assignment[p.manager_id] == c:
            return False
    for c in cohorts:
        if c.started:
            continue
        inside = [p for p in people if assignment[p.id] == c.id]
        if len(inside) > c.capacity:
            return False
        for unit in {p.unit for p in inside}:
            if sum(1 for p in inside if p.unit == unit) > limit(people, unit, share):
                return False
    return True


def all_assignments(people, cohorts, share):
    started = started_of(cohorts)
    choices = [
        [started[p.id]] if p.id in started else [c.id for c in cohorts if not c.started]
        for p in people
    ]
    for combo in itertools.product(*choices):
        assignment = dict(zip((p.id for p in people), combo, strict=True))
        if assignment_ok(people, cohorts, share, assignment):
            yield assignment


def objective(people, cohorts, assignment, weight=100):
    order = {c.id: c.order for c in cohorts}
    bad = sum(
        1
        for p in people
        if p.manager_id in assignment
        and order[assignment[p.manager_id]] >= order[assignment[p.id]]
    )
    same = 0
    for c in cohorts:
        depts = [p.department for p in people if assignment[p.id] == c.id]
        same += sum(math.comb(depts.count(d), 2) for d in set(depts))
    return weight * bad + same


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_keep_every_hard_rule_and_infeasibility_is_exact(instance):
    people, cohorts, share = instance
    feasible = next(all_assignments(people, cohorts, share), None) is not None
    try:
        plan = plan_cohorts(people, cohorts, max_unit_share=share, seed=1, **FAST)
    except PlanningInfeasible as error:
        assert not feasible
        assert error.conflicts and all(c.message for c in error.conflicts)
        return
    assert feasible
    assert set(plan.assignment) == {p.id for p in people}
    assert assignment_ok(people, cohorts, share, plan.assignment)
    assert plan.same_cohort_count == 0
    assert all(rule.holds for rule in plan.rules)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_people=7, max_cohorts=3))
def test_small_plans_reach_the_brute_force_optimum(instance):
    people, cohorts, share = instance
    best = min(
        (
            objective(people, cohorts, a)
            for a in all_assignments(people, cohorts, share)
        ),
        default=None,
    )
    if best is None:
        return
    plan = plan_cohorts(people, cohorts, max_unit_share=share, seed=2, **FAST)
    assert plan.objective == objective(people, cohorts, plan.assignment) == best


def hierarchy(n_departments=4, units_per_department=3, unit_size=6):
    people = [Manager("chief", "office", "d0")]
    for d in range(n_departments):
        people.append(Manager(f"h{d}", f"d{d}-mgmt", f"d{d}", manager_id="chief"))
        for u in range(units_per_department):
            unit = f"d{d}-u{u}"
            people.append(Manager(f"{unit}-head", unit, f"d{d}", manager_id=f"h{d}"))
            for k in range(unit_size - 1):
                people.append(
                    Manager(f"{unit}-m{k}", unit, f"d{d}", manager_id=f"{unit}-head")
                )
    return people


def test_a_realistic_hierarchy_puts_managers_before_their_staff():
    people = hierarchy()  # 1 + 4 * (1 + 3 * 6) = 77 managers
    cohorts = [CohortSlot(f"c{c}", 12, c) for c in range(8)]
    plan = plan_cohorts(people, cohorts, max_unit_share=0.34, seed=5)
    assert assignment_ok(people, cohorts, 0.34, plan.assignment)
    assert plan.without_manager == 1
    # Only the first cohort's members besides the chief can lack an earlier manager.
    first = plan.cohorts[0].size
    assert len(plan.not_preceded) <= first - 1
    assert plan.precede_count + len(plan.not_preceded) == len(people) - 1
    assert plan.mix_score > plan.population_mix
    assert plan.mix_score <= plan.mix_upper_bound


def test_mix_score_is_the_share_of_pairs_from_different_departments():
    people = [
        Manager("a", "u1", "x", pinned="c0"),
        Manager("b", "u2", "x", pinned="c0"),
        Manager("c", "u3", "y", pinned="c0"),
        Manager("d", "u4", "y", pinned="c1"),
        Manager("e", "u5", "z", pinned="c1"),
    ]
    cohorts = [CohortSlot("c0", 3, 0), CohortSlot("c1", 3, 1)]
    plan = plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    assert plan.cohorts[0].mix_score == pytest.approx(2 / 3, abs=1e-4)  # ab same
    assert plan.cohorts[1].mix_score == 1.0
    assert plan.mix_score == pytest.approx(1 - 1 / 4, abs=1e-4)  # 1 same of 4 pairs
    assert plan.cohorts[0].department_counts == (("x", 2), ("y", 1))


def test_same_seed_gives_the_same_plan():
    people = hierarchy(3, 2, 5)
    cohorts = [CohortSlot(f"c{c}", 8, c) for c in range(6)]
    first = plan_cohorts(people, cohorts, max_unit_share=0.4, seed=11)
    again = plan_cohorts(people, cohorts, max_unit_share=0.4, seed=11)
    assert not first.stopped_by_time_limit
    assert first == again


def test_too_little_capacity_is_explained():
    people = [Manager(f"m{i}", "u", "d") for i in range(5)]
    with pytest.raises(PlanningInfeasible, match="5 managers to place") as info:
        plan_cohorts(
            people,
            [CohortSlot("c0", 2, 0), CohortSlot("c1", 2, 1)],
            max_unit_share=1.0,
            seed=0,
        )
    assert info.value.conflicts[0].rule == "capacity"


def test_someone_barred_from_every_cohort_is_named():
    people = [
        Manager("a", "u", "d", barred=frozenset({"c0", "c1"})),
        Manager("b", "u", "d"),
    ]
    cohorts = [CohortSlot("c0", 5, 0), CohortSlot("c1", 5, 1)]
    with pytest.raises(PlanningInfeasible) as info:
        plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    (conflict,) = info.value.conflicts
    assert (conflict.rule, conflict.people) == ("bars", ("a",))


def test_a_unit_too_large_for_its_share_limit_is_explained():
    people = [Manager(f"m{i}", "big", "d") for i in range(9)]
    cohorts = [CohortSlot(f"c{c}", 9, c) for c in range(3)]
    with pytest.raises(PlanningInfeasible, match="unit 'big' has 9") as info:
        plan_cohorts(people, cohorts, max_unit_share=0.25, seed=0)  # 2 per cohort
    assert info.value.conflicts[0].rule == "unit_share"
    assert len(info.value.conflicts[0].people) == 9


def test_a_pin_with_ones_own_manager_is_explained():
    people = [
        Manager("boss", "u1", "d", pinned="c1"),
        Manager("me", "u2", "d", manager_id="boss", pinned="c1"),
    ]
    cohorts = [CohortSlot("c0", 5, 0), CohortSlot("c1", 5, 1)]
    with pytest.raises(PlanningInfeasible) as info:
        plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    (conflict,) = info.value.conflicts
    assert conflict.rule == "own_manager"
    assert set(conflict.people) == {"boss", "me"}


def test_conflicts_only_visible_together_are_found_exactly():
    # Each is allowed somewhere, but both only in c0: the exact fallback names them.
    people = [
        Manager("boss", "u1", "d", barred=frozenset({"c1"})),
        Manager("me", "u2", "d", manager_id="boss", barred=frozenset({"c1"})),
        Manager("other", "u3", "d"),
    ]
    cohorts = [CohortSlot("c0", 5, 0), CohortSlot("c1", 5, 1)]
    with pytest.raises(PlanningInfeasible) as info:
        plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    (conflict,) = info.value.conflicts
    assert conflict.rule == "combination"
    assert {"boss", "me"} <= set(conflict.people)
    assert "other" not in conflict.people


def test_exact_construction_finds_plans_the_greedy_misses():
    # The greedy puts the boss (who manages others) first into c0, which leaves
    # their two staff, barred from c1, nowhere; CP-SAT finds the one valid plan.
    people = [
        Manager("boss", "u1", "d"),
        *[
            Manager(f"s{i}", "u2", "d", manager_id="boss", barred=frozenset({"c1"}))
            for i in range(2)
        ],
    ]
    cohorts = [CohortSlot("c0", 2, 0), CohortSlot("c1", 3, 1)]
    plan = plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    assert plan.used_exact_construction
    assert plan.assignment == {"boss": "c1", "s0": "c0", "s1": "c0"}


def test_replanning_keeps_started_cohorts_and_places_only_the_rest():
    people = hierarchy(2, 2, 4)
    cohorts = [CohortSlot(f"c{c}", 6, c) for c in range(5)]
    plan = plan_cohorts(people, cohorts, max_unit_share=0.5, seed=3)
    # Two cohorts have started; one member has left and a new manager joins.
    started = [
        CohortSlot(
            c.id,
            c.capacity,
            c.order,
            started=True,
            members=tuple(m for m, x in plan.assignment.items() if x == c.id),
        )
        for c in cohorts[:2]
    ]
    leaver = started[1].members[0]
    newcomer = Manager("new", "d1-u0", "d1", manager_id="d1-u0-head")
    now = [p for p in people if p.id != leaver] + [newcomer]
    replanned = plan_cohorts(now, started + cohorts[2:], max_unit_share=0.5, seed=3)
    for c in started:
        kept = {m for m, x in replanned.assignment.items() if x == c.id}
        assert kept == set(c.members) - {leaver}
    assert replanned.assignment["new"] not in {"c0", "c1"}
    assert assignment_ok(now, started + cohorts[2:], 0.5, replanned.assignment)
    started_rule = next(r for r in replanned.rules if r.rule == "started_kept")
    assert "1 members no longer" in started_rule.detail


def test_reasons_for_not_following_ones_manager():
    people = [
        Manager("boss", "u1", "d1", pinned="c2"),
        Manager("me", "u2", "d2", manager_id="boss", pinned="c1"),
        Manager("old", "u3", "d1", manager_id="boss"),
    ]
    cohorts = [
        CohortSlot("c0", 3, 0, started=True, members=("old",)),
        CohortSlot("c1", 3, 1),
        CohortSlot("c2", 3, 2),
    ]
    plan = plan_cohorts(people, cohorts, max_unit_share=1.0, seed=0)
    reasons = {x.manager_id: x.reason for x in plan.not_preceded}
    assert reasons == {"me": "impossible", "old": "started"}
    assert plan.precede_count == 0


def test_time_limit_stops_the_search_but_keeps_the_rules():
    people = hierarchy(4, 3, 6)
    cohorts = [CohortSlot(f"c{c}", 12, c) for c in range(8)]
    plan = plan_cohorts(
        people, cohorts, max_unit_share=0.34, seed=1, iterations=10**9, time_limit=0.3
    )
    assert plan.stopped_by_time_limit
    assert assignment_ok(people, cohorts, 0.34, plan.assignment)


def test_malformed_input_is_rejected():
    cohorts = [CohortSlot("c0", 5, 0)]
    with pytest.raises(ValueError, match="duplicate manager"):
        plan_cohorts(
            [Manager("a", "u", "d"), Manager("a", "u", "d")],
            cohorts,
            max_unit_share=1.0,
            seed=0,
        )
    with pytest.raises(ValueError, match="cycle"):
        plan_cohorts(
            [
                Manager("a", "u", "d", manager_id="b"),
                Manager("b", "u", "d", manager_id="a"),
            ],
            cohorts,
            max_unit_share=1.0,
            seed=0,
        )
    with pytest.raises(ValueError, match="unknown"):
        plan_cohorts(
            [Manager("a", "u", "d", pinned="nope")], cohorts, max_unit_share=1.0, seed=0
        )


def test_unit_share_is_respected_in_a_random_organisation():
    rng = random.Random(4)
    people = [
        Manager(f"m{i}", f"u{rng.randrange(10)}", f"d{rng.randrange(4)}")
        for i in range(120)
    ]
    cohorts = [CohortSlot(f"c{c}", 20, c) for c in range(8)]
    plan = plan_cohorts(people, cohorts, max_unit_share=0.3, seed=0, **FAST)
    assert assignment_ok(people, cohorts, 0.3, plan.assignment)


# The placement check that applications call for moves made by hand ---------------


def _rules_of(conflicts):
    return [c.rule for c in conflicts]


def test_a_placement_check_names_every_rule_the_planner_keeps():
    from matching.planning import placement_conflicts

    managers = [
        Manager("chief", unit="top", department="top"),
        Manager("head", unit="a", department="a", manager_id="chief"),
        Manager("a1", unit="a", department="a", manager_id="head"),
        Manager("a2", unit="a", department="a", manager_id="head"),
        Manager("b1", unit="b", department="b", barred=frozenset({"late"})),
    ]
    cohorts = [
        CohortSlot("early", capacity=3, order=1, started=True),
        CohortSlot("mid", capacity=2, order=2),
        CohortSlot("late", capacity=3, order=3),
    ]
    assignment = {"chief": "early", "head": "mid", "a1": "late", "b1": "mid"}

    def check(who, where):
        return _rules_of(
            placement_conflicts(
                managers, cohorts, assignment, who, where, max_unit_share=0.34
            )
        )

    assert check("a2", "early") == ["started"]
    assert check("chief", "late") == ["in_started"]
    assert check("b1", "late") == ["barred"]
    assert check("a2", "mid") == ["capacity", "own_manager", "unit_share"]
    assert check("head", "late") == ["report", "unit_share"]
    assert check("b1", "mid") == []


def test_no_plan_the_planner_makes_has_a_placement_the_check_refuses():
    from matching.planning import placement_conflicts

    managers = [
        Manager(i, unit=f"u{i % 4}", department=f"d{i % 3}", manager_id=i // 5 or None)
        for i in range(1, 41)
    ]
    cohorts = [CohortSlot(c, capacity=12, order=c) for c in range(4)]

    plan = plan_cohorts(managers, cohorts, max_unit_share=0.3, seed=1, iterations=500)

    for manager in managers:
        assert not placement_conflicts(
            managers,
            cohorts,
            plan.assignment,
            manager.id,
            plan.assignment[manager.id],
            max_unit_share=0.3,
        )
