"""The pure-Python search core, used where the C extension was not built.

With the fallback forced, the public API (``form_groups``, ``solve_mdgp``, the
command line) must give results that meet the same invariants as with the C
core: every rule kept, sizes within bounds, the objective as defined, exact
optima on tiny instances, reproducible runs, bad input refused.
"""

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching import ConflictError, Person, _core, _fallback, form_groups, solve_mdgp
from matching.tests.engine_calls import (
    BAD_ATTRIBUTE_CALLS,
    BAD_MATRIX_CALLS,
    attribute_call,
    feasible,
    matrix_call,
)
from matching.tests.test_grouping import (
    WEIGHTS,
    make_people,
    objective_by_definition,
)
from matching.tests.test_mdgp import brute_force, random_instance

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def pure_python(monkeypatch):
    monkeypatch.setattr(_core, "FORCE_PYTHON", True)
    assert _core.backend() == "python"


def test_groups_meet_every_rule_and_the_objective_is_the_definition():
    people = make_people(40, 3)
    ids = [p.id for p in people]

    res = form_groups(
        people,
        sizes=(8, 10),
        mix=WEIGHTS,
        max_per={"branch": 4},
        keep_together=[ids[:3]],
        apart=[(ids[3], ids[4]), (ids[5], ids[6])],
        fixed={ids[7]: 2},
        seed=2,
        time_limit=0.5,
    )

    assert all(rule.satisfied for rule in res.rules)
    assert sorted(res.assignment) == sorted(ids)
    assert all(8 <= g.size <= 10 for g in res.groups)
    assert len({res.assignment[i] for i in ids[:3]}) == 1
    assert res.assignment[ids[3]] != res.assignment[ids[4]]
    assert res.assignment[ids[7]] == 2
    assert res.objective == pytest.approx(
        objective_by_definition(people, res.assignment, WEIGHTS)
    )
    assert res.objective <= res.upper_bound + 1e-6


def test_the_fallback_search_improves_on_its_start():
    people = make_people(60, 5)
    quick = form_groups(
        people, sizes=(6, 6), mix=WEIGHTS, seed=1, iterations=1, time_limit=0
    )
    longer = form_groups(
        people, sizes=(6, 6), mix=WEIGHTS, seed=1, iterations=20, time_limit=0
    )

    assert longer.objective >= quick.objective - 1e-9
    assert longer.gap_to_bound < 5.0


def test_same_seed_and_iterations_give_the_same_groups():
    people = make_people(30, 9)
    a = form_groups(
        people, sizes=(5, 6), mix=WEIGHTS, seed=4, iterations=5, time_limit=0
    )
    b = form_groups(
        people, sizes=(5, 6), mix=WEIGHTS, seed=4, iterations=5, time_limit=0
    )

    assert a.assignment == b.assignment


def test_rules_that_cannot_hold_are_still_named():
    people = [Person(f"p{i}", {"organisation": "A"}) for i in range(6)]

    with pytest.raises(ConflictError):
        form_groups(people, sizes=3, max_per={"organisation": 1}, time_limit=0.2)


@pytest.mark.parametrize("case", range(4))
def test_tiny_instances_reach_the_brute_force_optimum(case):
    inst = random_instance(random.Random(case), 7, 2)

    sol = solve_mdgp(inst, seed=case, time_limit=0, iterations=30)

    assert sol.objective == pytest.approx(
        brute_force(inst.diversity, list(inst.lower), list(inst.upper))
    )


def test_large_pools_use_counts_and_keep_every_rule(monkeypatch):
    monkeypatch.setattr(_fallback, "DENSE_LIMIT", 5)
    call = attribute_call(sampled=1, use_table=0, max_iters=2000, threads=1)

    xs, objective, _, status = _fallback.solve(**call)

    x = np.frombuffer(xs, dtype=np.int32)
    assert status == 0
    assert feasible(x, call["lo"], call["hi"])
    assert x[0] == 0  # fixed
    assert x[0] != x[1]  # apart
    for g in range(3):  # at most 2 per value of the second attribute
        assert np.bincount(call["cat"][x == g, 1]).max() <= 2
    p = _fallback._Problem(
        12,
        3,
        call["lo"],
        call["hi"],
        None,
        call["cat"],
        call["cat_sizes"],
        call["cat_w"],
        call["num"],
        1,
        call["fixed"],
        ([], [], [[]] * 12),
    )
    expected = sum(
        p.dist(i, j) for i in range(12) for j in range(i + 1, 12) if x[i] == x[j]
    )
    assert objective == pytest.approx(expected)


BAD = [matrix_call(**c) for c in BAD_MATRIX_CALLS.values()] + [
    attribute_call(**c) for c in BAD_ATTRIBUTE_CALLS.values()
]


@pytest.mark.parametrize("call", BAD, ids=[*BAD_MATRIX_CALLS, *BAD_ATTRIBUTE_CALLS])
def test_the_fallback_refuses_what_the_c_core_refuses(call):
    with pytest.raises((ValueError, TypeError)):
        _fallback.solve(**call)


def test_the_command_line_works_with_the_fallback(tmp_path):
    people = tmp_path / "people.csv"
    rows = [["person", "organisation", "years"]] + [
        [f"p{i}", f"org{i % 4}", str(i % 9)] for i in range(24)
    ]
    with people.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "groups.csv"

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "matching",
            "groups",
            "--people",
            str(people),
            "--size",
            "6",
            "--max-per",
            "organisation:2",
            "--iterations",
            "3",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "MATCHING_PURE_PYTHON": "1"},
        timeout=120,
    )

    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert all(rule["satisfied"] for rule in result["rules"])
    with out.open() as fh:
        written = list(csv.reader(fh))[1:]
    assert sorted(r[0] for r in written) == sorted(r[0] for r in rows[1:])


def test_the_build_goes_on_without_a_c_compiler(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "setup.py",
            "build_ext",
            "--build-lib",
            str(tmp_path / "lib"),
            "--build-temp",
            str(tmp_path / "tmp"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "CC": str(tmp_path / "no-such-compiler")},
        timeout=120,
    )

    assert proc.returncode == 0, proc.stderr
    assert "could not be built" in proc.stderr
    assert "pure-Python search" in proc.stderr
    assert not list(tmp_path.glob("lib/matching/_mdgp*"))


def test_the_package_works_where_the_c_core_was_not_built():
    script = (
        "import sys, warnings, json\n"
        "sys.modules['matching._mdgp'] = None  # as if it was never built\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from matching import Person, _core, form_groups\n"
        "people = [Person(f'p{i}', {'org': f'o{i % 3}'}) for i in range(12)]\n"
        "res = form_groups(people, sizes=4, max_per={'org': 2}, iterations=3)\n"
        "print(json.dumps([_core.backend(), [str(w.message) for w in caught],\n"
        "                  [r.satisfied for r in res.rules]]))\n"
    )

    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "MATCHING_PURE_PYTHON"},
        timeout=120,
    )

    assert proc.returncode == 0, proc.stderr
    backend, warnings, satisfied = json.loads(proc.stdout)
    assert backend == "python"
    assert any("not built" in w for w in warnings)
    assert all(satisfied)


@pytest.mark.parametrize("sampled", [0, 1])
def test_a_pool_where_everyone_is_fixed_keeps_them_there(sampled, monkeypatch):
    monkeypatch.setattr(_fallback, "DENSE_LIMIT", 5)
    fixed = np.array([i % 3 for i in range(12)], dtype=np.int32)
    call = attribute_call(
        fixed=fixed, mp_attr=None, mp_lim=None, ap_ptr=None, ap_idx=None
    )

    xs, _, _, status = _fallback.solve(**call, sampled=sampled, use_table=1)

    assert status == 0
    assert np.array_equal(np.frombuffer(xs, dtype=np.int32), fixed)
