"""Maximally diverse grouping (MDGP) on a diversity matrix.

Problem: split n elements into m groups, group g holding between a_g and b_g
elements, so that the sum over groups of the pairwise diversities d_ij inside
each group is as large as possible.

Algorithm (implemented in C, ``matching/_mdgp.c``, with a slower pure-Python
fallback in ``matching/_fallback.py``; this module reads files,
checks input and calls it). It is a memetic iterated local search in the
family of Iterated Maxima Search (Lai & Hao 2016) and the three-phase search of
Yang et al. (2022), written from the published descriptions:

1. Gain table. For every element i and group g the engine keeps
   G[i, g] = sum of d_ij over the members j of g. The change of the objective
   when i moves from g to h is G[i, h] - G[i, g]; when i (in g) and j (in h)
   swap it is G[i, h] - G[i, g] + G[j, g] - G[j, h] - 2 d_ij. After a move the
   two affected columns are updated in O(n). For people described by
   attributes and large pools the same gains are computed from per-group
   category counts and member lists instead (see ``matching.grouping``), so
   one search serves both representations.
2. Local search. First-improvement descent over one-moves (only when both
   groups stay within their size bounds) and swaps, in random order, until no
   improving move exists. Moves that would break a hard rule (fixed people,
   at most k of a category per group, pairs kept apart) are never generated.
3. Iterated local search. From a local optimum: a random perturbation of 2 to
   10 swaps/moves (2 to 12 for n >= 400; moves only when sizes allow), descent
   again; keep the result if it is not worse (equal-value plateaus are
   walked), otherwise go back. Stop after L = 10 rounds without improvement.
   The perturbation and the descent also never break a hard rule.
4. Population and crossover. A population of such local optima (80 by
   default; measured on MDGPLIB, a large population of short iterated
   searches clearly beats a small one of long searches). Each generation two
   random parents are combined by a group-based crossover: alternately take
   the parent group that still has the most unplaced elements and copy those
   elements into the child's group of the same index, then place the rest
   greedily by gain, lower bounds first. The child is improved by step 3 and
   replaces the worst member if it is better and its objective is not already
   present (duplicates are refused). The population shrinks linearly to 2 as
   the time limit approaches, so the end of the run intensifies around the
   best solutions.
5. Threads. With a time limit, ``threads`` threads (GIL released) share one
   population under a mutex: each takes two parents, breeds and improves a
   child without the lock, and offers it back. Child production is the
   expensive part, so the threads rarely wait.

Determinism: with ``iterations`` set (a number of generations) and no time
limit, each thread runs its own population with its own seed derived from
``seed`` (no shared state, so no scheduling effects) and the best result wins,
ties to the lower thread; the result then depends only on the input, ``seed``
and ``threads``. With a time limit the amount of search depends on the
machine's speed and the threads' interleaving, so the quality, not the exact
groups, is what a seed reproduces.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matching import _core


class InstanceError(ValueError):
    """An instance file or matrix is malformed (message names line/column)."""


@dataclass(frozen=True)
class Instance:
    """An MDGP instance: n elements, symmetric diversity matrix, size bounds."""

    n: int
    lower: tuple[int, ...]
    upper: tuple[int, ...]
    diversity: np.ndarray = field(repr=False, compare=False)
    name: str = ""

    @property
    def m(self) -> int:
        return len(self.lower)


@dataclass(frozen=True)
class Solution:
    """Group of each element (0-based, in the instance's group order)."""

    assignment: tuple[int, ...]
    objective: float
    seconds: float
    iterations: int

    def groups(self, m: int) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in range(m)]
        for i, g in enumerate(self.assignment):
            out[g].append(i)
        return out


def make_instance(
    diversity: Sequence[Sequence[float]] | np.ndarray,
    lower: Sequence[int],
    upper: Sequence[int],
    name: str = "",
) -> Instance:
    """Validate and build an instance from a square symmetric matrix."""
    d = np.ascontiguousarray(np.asarray(diversity, dtype=np.float64))
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise InstanceError("the diversity matrix must be square")
    if not np.all(np.isfinite(d)):
        raise InstanceError("the diversity matrix contains a non-finite value")
    if not np.allclose(d, d.T):
        raise InstanceError("the diversity matrix must be symmetric")
    d = d.copy()
    np.fill_diagonal(d, 0.0)
    lo, hi = tuple(int(v) for v in lower), tuple(int(v) for v in upper)
    if len(lo) != len(hi) or not lo:
        raise InstanceError("need the same positive number of lower and upper bounds")
    for g, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if a < 0 or a > b:
            raise InstanceError(f"group {g}: bad size bounds [{a}, {b}]")
    n = d.shape[0]
    if sum(lo) > n or sum(hi) < n:
        raise InstanceError(
            f"{n} elements cannot fill groups whose sizes sum to "
            f"between {sum(lo)} and {sum(hi)}"
        )
    return Instance(n=n, lower=lo, upper=hi, diversity=d, name=name)


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read an MDGPLIB file: header ``n m ss|ds a_0 b_0 ...``, then ``i j d``."""
    name = os.path.basename(os.fspath(path))
    try:
        with open(path, encoding="ascii") as fh:
            header = fh.readline()
            body = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(f"{name}: cannot read the file ({exc})") from exc
    if "\0" in header or "\0" in body:
        line = 1 if "\0" in header else body.count("\n", 0, body.index("\0")) + 2
        raise InstanceError(f"{name}, line {line}: contains a NUL byte")
    parts = header.split()
    if len(parts) < 3:
        raise InstanceError(f"{name}, line 1: expected 'n m ss|ds a_0 b_0 ...'")
    try:
        n, m = int(parts[0]), int(parts[1])
        bounds = [int(v) for v in parts[3:]]
    except ValueError as exc:
        raise InstanceError(f"{name}, line 1: not an integer ({exc})") from exc
    if n < 1 or m < 1 or len(bounds) != 2 * m:
        raise InstanceError(
            f"{name}, line 1: need n >= 1, m >= 1 and 2*m = {2 * m} bounds, "
            f"found {len(bounds)}"
        )
    try:
        values = np.array(body.split(), dtype=np.float64)
    except ValueError:
        values = None
    pairs = n * (n - 1) // 2
    if values is None or values.size != 3 * pairs:
        _locate_bad_line(name, body, n)
        raise InstanceError(f"{name}: expected {pairs} lines 'i j d_ij'")
    rows = values.reshape(pairs, 3)
    if not np.all(np.isfinite(rows)):
        k = int(np.nonzero(~np.all(np.isfinite(rows), axis=1))[0][0])
        raise InstanceError(
            f"{name}, line {_nth_data_line(body, k)}: "
            "every value must be a finite number (no nan or inf)"
        )
    i = rows[:, 0].astype(np.int64)
    j = rows[:, 1].astype(np.int64)
    if (
        np.any(i != rows[:, 0])
        or np.any(j != rows[:, 1])
        or np.any((i < 0) | (i >= n) | (j < 0) | (j >= n) | (i == j))
    ):
        _locate_bad_line(name, body, n)
        raise InstanceError(f"{name}: element ids must be distinct integers 0..{n - 1}")
    d = np.zeros((n, n), dtype=np.float64)
    d[i, j] = rows[:, 2]
    d[j, i] = rows[:, 2]
    seen = np.zeros((n, n), dtype=bool)
    seen[np.minimum(i, j), np.maximum(i, j)] = True
    if int(seen.sum()) != pairs:
        raise InstanceError(f"{name}: some pair appears twice and another is missing")
    return make_instance(d, bounds[0::2], bounds[1::2], name=name)


def _nth_data_line(body: str, k: int) -> int:
    """File line number of the k-th (0-based) non-empty line after the header."""
    seen = -1
    for lineno, line in enumerate(body.splitlines(), start=2):
        if line.split():
            seen += 1
            if seen == k:
                return lineno
    return 2


def _locate_bad_line(name: str, body: str, n: int) -> None:
    for lineno, line in enumerate(body.splitlines(), start=2):
        cols = line.split()
        if not cols:
            continue
        if len(cols) != 3:
            raise InstanceError(f"{name}, line {lineno}: expected 3 columns 'i j d_ij'")
        for col, text in enumerate(cols, start=1):
            try:
                v = float(text) if col == 3 else int(text)
            except ValueError:
                raise InstanceError(
                    f"{name}, line {lineno}, column {col}: {text!r} is not a number"
                ) from None
            if col < 3 and not 0 <= v < n:
                raise InstanceError(
                    f"{name}, line {lineno}, column {col}: id {v} outside 0..{n - 1}"
                )


def evaluate(instance: Instance, assignment: Sequence[int]) -> float:
    """Objective of an assignment; raises ValueError if it is infeasible."""
    x = np.asarray(assignment, dtype=np.int64)
    if x.shape != (instance.n,) or np.any(x < 0) or np.any(x >= instance.m):
        raise ValueError("assignment must give every element a group 0..m-1")
    sizes = np.bincount(x, minlength=instance.m)
    for g in range(instance.m):
        if not instance.lower[g] <= sizes[g] <= instance.upper[g]:
            raise ValueError(
                f"group {g} has {sizes[g]} elements, "
                f"outside [{instance.lower[g]}, {instance.upper[g]}]"
            )
    same = x[:, None] == x[None, :]
    return float(np.triu(instance.diversity * same, 1).sum())


def solve_mdgp(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    threads: int = 2,
    iterations: int | None = None,
    population: int = 80,
    tuning: dict[str, int] | None = None,
) -> Solution:
    """Search for a maximally diverse grouping of ``instance``.

    ``time_limit`` is in wall-clock seconds; ``iterations`` (generations per
    thread) makes the run deterministic for a given seed and thread count.
    ``population`` is the initial population size. ``tuning`` passes expert
    knobs to the C core: ``ils_limit`` (L, default 10), ``smin``/``smax``
    (perturbation strength, default 2 and 10, or 12 for n >= 400),
    ``ils_limit_end`` (raise L linearly up to this value over the run; off by
    default, not yet measured) and ``shared`` (1/0: threads share the
    population; default: shared unless ``iterations`` is set).
    """
    start = time.monotonic()
    lo = np.asarray(instance.lower, dtype=np.int32)
    hi = np.asarray(instance.upper, dtype=np.int32)
    res = _core.solve(
        n=instance.n,
        m=instance.m,
        lo=lo,
        hi=hi,
        D=instance.diversity,
        seed=int(seed) & 0xFFFFFFFFFFFFFFFF,
        time_limit=float(time_limit) if time_limit and time_limit > 0 else 0.0,
        max_iters=int(iterations) if iterations else 0,
        threads=max(1, int(threads)),
        pop_size=int(population),
        **(tuning or {}),
    )
    xs, _, iters, status = res
    if status != 0 or xs is None:
        raise RuntimeError("the search found no feasible grouping")
    x = np.frombuffer(xs, dtype=np.int32)
    objective = evaluate(instance, x)
    return Solution(
        assignment=tuple(int(v) for v in x),
        objective=objective,
        seconds=time.monotonic() - start,
        iterations=int(iters),
    )
