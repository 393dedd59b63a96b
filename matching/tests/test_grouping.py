"""Attribute-based grouping: objective definition, hard rules, conflicts, bound."""

import itertools
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import ConflictError, Person, form_groups
from matching.grouping import TABLE_LIMIT


def pair_diversity(p: Person, q: Person, weights, numeric_range) -> float:
    total = 0.0
    for k, w in weights.items():
        a, b = p.attributes[k], q.attributes[k]
        if k in numeric_range:
            lo, hi = numeric_range[k]
            total += w * abs(a - b) / (hi - lo) if hi > lo else 0.0
        else:
            total += w * (a != b)
    return total


def objective_by_definition(people, assignment, weights) -> float:
    numeric = {
        k: (min(p.attributes[k] for p in people), max(p.attributes[k] for p in people))
        for k in weights
        if isinstance(people[0].attributes[k], int | float)
    }
    total = 0.0
    for p, q in itertools.combinations(people, 2):
        if assignment[p.id] == assignment[q.id]:
            total += pair_diversity(p, q, weights, numeric)
    return total


def make_people(n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    return [
        Person(
            f"p{i}",
            {
                "organisation": f"o{rng.randrange(5)}",
                "branch": rng.choice("ABC"),
                "years": rng.randrange(0, 30),
            },
        )
        for i in range(n)
    ]


WEIGHTS = {"organisation": 3.0, "branch": 1.0, "years": 2.0}


def test_objective_equals_the_pairwise_definition():
    people = make_people(37, 1)
    res = form_groups(people, sizes=(8, 10), mix=WEIGHTS, seed=1, time_limit=0.2)
    expected = objective_by_definition(people, res.assignment, WEIGHTS)
    assert res.objective == pytest.approx(expected)
    assert sum(g.diversity for g in res.groups) == pytest.approx(expected)


def test_tiny_pool_reaches_the_brute_force_optimum_and_stays_below_the_bound():
    people = make_people(8, 2)
    best = -1.0
    for x in itertools.product(range(2), repeat=8):
        if sum(x) != 4:
            continue
        a = {p.id: g for p, g in zip(people, x, strict=True)}
        best = max(best, objective_by_definition(people, a, WEIGHTS))
    res = form_groups(people, sizes=4, mix=WEIGHTS, seed=3, time_limit=0, iterations=3)
    assert res.objective == pytest.approx(best)
    assert res.upper_bound >= best - 1e-9


def test_default_number_of_groups_is_the_fewest_the_sizes_allow():
    res = form_groups(make_people(34, 3), sizes=range(8, 11), seed=1, time_limit=0.1)
    assert len(res.groups) == 4
    assert all(8 <= g.size <= 10 for g in res.groups)


def test_impossible_sizes_are_a_conflict():
    with pytest.raises(ConflictError, match="cannot be split"):
        form_groups(make_people(15, 3), sizes=(8, 10), seed=1, time_limit=0.1)


def test_result_explains_group_mix_and_rules():
    people = make_people(30, 4)
    res = form_groups(
        people, sizes=(10, 10), max_per={"organisation": 4}, seed=2, time_limit=0.2
    )
    names = [r.rule for r in res.rules]
    assert names == ["sizes", "max_per:organisation"]
    assert all(r.satisfied for r in res.rules)
    g = res.groups[0]
    assert sum(g.mix["branch"].values()) == g.size
    assert g.ranges["years"][0] <= g.ranges["years"][1] <= g.ranges["years"][2]


def check_rules(people, res, lo, hi, max_per, keep, apart, fixed):
    a = res.assignment
    assert sorted(a) == sorted(p.id for p in people)
    sizes = np.bincount(list(a.values()), minlength=len(res.groups))
    assert all(lo <= s <= hi for s in sizes)
    attrs = {p.id: p.attributes for p in people}
    for k, lim in max_per.items():
        for g in range(len(res.groups)):
            vals = [attrs[pid][k] for pid, gg in a.items() if gg == g]
            assert max((vals.count(v) for v in vals), default=0) <= lim
    for s in keep:
        assert len({a[pid] for pid in s}) <= 1
    for p, q in apart:
        assert a[p] != a[q]
    for pid, g in fixed.items():
        assert a[pid] == g


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(6, 40),
    lo=st.integers(2, 5),
    extra=st.integers(0, 3),
    seed=st.integers(0, 10_000),
    limit=st.integers(1, 3),
    n_apart=st.integers(0, 6),
    n_keep=st.integers(0, 2),
    n_fixed=st.integers(0, 2),
    use_max=st.booleans(),
)
def test_every_hard_rule_holds_or_a_conflict_is_reported(
    n, lo, extra, seed, limit, n_apart, n_keep, n_fixed, use_max
):
    hi = lo + extra
    rng = random.Random(seed)
    people = make_people(n, seed)
    ids = [p.id for p in people]
    rng.shuffle(ids)
    keep = [ids[2 * k : 2 * k + 2] for k in range(n_keep)]
    rest = ids[2 * n_keep :]
    apart = [tuple(rng.sample(ids, 2)) for _ in range(n_apart)]
    max_per = {"organisation": limit} if use_max else {}
    groups_guess = max(1, -(-n // hi))
    fixed = {pid: rng.randrange(groups_guess) for pid in rest[:n_fixed]}
    kwargs = dict(
        sizes=(lo, hi),
        max_per=max_per,
        keep_together=keep,
        apart=apart,
        fixed=fixed,
        seed=seed,
        time_limit=0,
        iterations=2,
    )
    try:
        res = form_groups(people, **kwargs)
    except ConflictError as exc:
        assert exc.conflicts and all(isinstance(c, str) and c for c in exc.conflicts)
        return
    check_rules(people, res, lo, hi, max_per, keep, apart, fixed)
    again = form_groups(people, **kwargs)
    assert again.assignment == res.assignment


def test_kept_set_larger_than_a_group_is_named_in_the_conflict():
    people = make_people(20, 5)
    with pytest.raises(ConflictError) as err:
        form_groups(
            people,
            sizes=(4, 5),
            keep_together=[[p.id for p in people[:6]]],
            seed=1,
            time_limit=0.1,
        )
    assert any("kept set 1 has 6 people" in c for c in err.value.conflicts)


def test_apart_pair_inside_a_kept_set_is_a_conflict():
    people = make_people(20, 5)
    with pytest.raises(ConflictError, match="p1 and p2 are in the same kept set"):
        form_groups(
            people,
            sizes=(4, 5),
            keep_together=[["p1", "p2", "p3"]],
            apart=[("p1", "p2")],
            seed=1,
            time_limit=0.1,
        )


def test_rules_that_clash_only_together_are_named_by_the_solver():
    # four people pairwise apart but only three groups: no single rule is at
    # fault, the exact check finds the clashing pairs
    people = make_people(12, 6)
    four = ["p0", "p1", "p2", "p3"]
    apart = list(itertools.combinations(four, 2))
    with pytest.raises(ConflictError) as err:
        form_groups(people, sizes=(4, 4), apart=apart, seed=1, time_limit=0.2)
    text = " ".join(err.value.conflicts)
    assert "these rules clash" in text
    assert "apart from" in text


def test_continuing_group_stays_whole_and_takes_newcomers():
    people = make_people(30, 7)
    kept = ["p3", "p9", "p11", "p20"]
    res = form_groups(
        people, sizes=(10, 10), keep_together=[kept], seed=4, time_limit=0.2
    )
    g = res.assignment["p3"]
    assert all(res.assignment[p] == g for p in kept)
    assert res.groups[g].size == 10


def test_diversity_matrix_replaces_attributes():
    people = make_people(12, 8)
    d = np.zeros((12, 12))
    d[0, 1] = d[1, 0] = 100.0  # only p0 and p1 are different
    res = form_groups(people, sizes=(6, 6), diversity=d, seed=1, time_limit=0.1)
    assert res.assignment["p0"] == res.assignment["p1"]
    assert res.objective == pytest.approx(100.0)
    assert res.upper_bound is None


def test_large_pool_runs_on_counts_and_respects_rules():
    n = TABLE_LIMIT + 2000
    people = make_people(n, 9)
    res = form_groups(
        people, sizes=(8, 10), max_per={"organisation": 3}, seed=1, time_limit=1.0
    )
    assert all(r.satisfied for r in res.rules)
    assert res.objective <= res.upper_bound
    assert res.gap_to_bound < 5.0


def test_large_pool_without_rules_gets_close_to_the_bound():
    people = make_people(TABLE_LIMIT + 1000, 10)
    res = form_groups(people, sizes=(8, 10), seed=1, time_limit=1.0)
    assert 0 <= res.gap_to_bound < 2.0
