"""The MDGP search core on matrices: exact optima, determinism, file reading."""

import csv
import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from matching import evaluate, make_instance, read_instance, solve_mdgp
from matching.mdgp import InstanceError

SMALL_MDGPLIB = Path(__file__).parent / "data" / "mdgplib"


def brute_force(d: np.ndarray, lo: list[int], hi: list[int]) -> float:
    n, m = d.shape[0], len(lo)
    best = -1.0
    for x in itertools.product(range(m), repeat=n):
        sizes = np.bincount(x, minlength=m)
        if all(lo[g] <= sizes[g] <= hi[g] for g in range(m)):
            xa = np.array(x)
            best = max(best, float(np.triu(d * (xa[:, None] == xa[None, :]), 1).sum()))
    return best


def random_instance(rng: random.Random, n: int, m: int):
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            d[i, j] = d[j, i] = round(rng.uniform(0, 100), 3)
    lo = [rng.randint(1, n // m) for _ in range(m)]
    hi = [a + rng.randint(0, 2) for a in lo]
    while sum(hi) < n:
        hi[rng.randrange(m)] += 1
    return make_instance(d, lo, hi)


@pytest.mark.parametrize("case", range(6))
def test_search_finds_the_brute_force_optimum_on_tiny_instances(case):
    rng = random.Random(case)
    inst = random_instance(rng, n=8, m=2 + case % 2)
    opt = brute_force(inst.diversity, list(inst.lower), list(inst.upper))
    sol = solve_mdgp(inst, seed=case, time_limit=0, iterations=3)
    assert sol.objective == pytest.approx(opt, abs=1e-6)
    assert evaluate(inst, sol.assignment) == pytest.approx(sol.objective)


def test_same_seed_and_iteration_budget_give_the_same_groups_with_two_threads():
    inst = random_instance(random.Random(7), n=40, m=5)
    a = solve_mdgp(inst, seed=3, time_limit=0, iterations=5, threads=2)
    b = solve_mdgp(inst, seed=3, time_limit=0, iterations=5, threads=2)
    assert a.assignment == b.assignment
    assert a.objective == b.objective


def test_different_seeds_explore_differently():
    inst = random_instance(random.Random(8), n=60, m=6)
    runs = {
        solve_mdgp(inst, seed=s, time_limit=0, iterations=1, threads=1).assignment
        for s in range(4)
    }
    assert len(runs) > 1


def test_time_limit_is_respected():
    inst = random_instance(random.Random(9), n=150, m=10)
    sol = solve_mdgp(inst, seed=1, time_limit=0.3)
    assert sol.seconds < 0.6
    evaluate(inst, sol.assignment)  # raises if infeasible


def test_small_mdgplib_files_reach_the_proven_optimum():
    with open(SMALL_MDGPLIB / "optima.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12
    for row in rows:
        inst = read_instance(SMALL_MDGPLIB / f"{row['instance']}.txt")
        for seed in (1, 2):
            sol = solve_mdgp(inst, seed=seed, time_limit=0.15)
            assert sol.objective == pytest.approx(float(row["optimum"]), abs=1e-3), row
            assert sol.seconds < 1.0


def test_read_instance_names_the_bad_line_and_column(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("3 1 ss 3 3\n0 1 5\n0 2 x\n1 2 4\n")
    with pytest.raises(InstanceError, match=r"line 3, column 3"):
        read_instance(f)


def test_read_instance_rejects_a_wrong_header(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("3 2 ss 3 3\n0 1 5\n0 2 1\n1 2 4\n")
    with pytest.raises(InstanceError, match=r"line 1"):
        read_instance(f)


def test_evaluate_rejects_groups_outside_their_bounds():
    inst = make_instance(np.ones((4, 4)) - np.eye(4), [2, 2], [2, 2])
    assert evaluate(inst, [0, 0, 1, 1]) == 2.0
    with pytest.raises(ValueError, match="group 0"):
        evaluate(inst, [0, 0, 0, 1])


def test_make_instance_rejects_bounds_that_cannot_hold_everyone():
    with pytest.raises(InstanceError, match="cannot fill"):
        make_instance(np.zeros((5, 5)), [1, 1], [2, 2])


def test_a_search_without_a_time_limit_or_an_iteration_budget_is_refused():
    inst = random_instance(random.Random(1), 8, 2)

    with pytest.raises(ValueError, match="never ends"):
        solve_mdgp(inst, time_limit=0, iterations=None)
