"""Diverse peer groups from people's attributes, with hard rules.

This is the people-facing layer over the MDGP search core (``matching.mdgp``
describes the search itself). It turns people and their attributes into the
core's representation, checks the hard rules, and explains the result.

Diversity. For people i and j,
``d_ij = sum_a w_a [x_ia != x_ja] + sum_b w_b |x_ib - x_jb| / (max_b - min_b)``
over categorical attributes a and numeric attributes b (max and min over the
people given). The n x n matrix is never built. The core keeps, per group, the
count of every category of every attribute and the member list, so the sum of
d_ij over a group's members is ``sum_a w_a (size - count[a][x_ia])`` plus a
short loop over the members for numeric attributes. For pools up to
``TABLE_LIMIT`` people the core also maintains the n x m gain table (n rows,
one column per group, computed from attributes, never a pairwise matrix) and
runs the full memetic search; above it, it runs a sampled descent: random
one-moves and swaps evaluated from counts in O(#attributes + group size),
starting from a deal of people sorted by their attributes over the groups
(snake order), which already spreads each attribute almost evenly.

Hard rules, always true in a result:

- ``sizes``: every group has between a and b members.
- ``keep_together``: each set (for example a continuing group) becomes one
  group of its own and takes in newcomers; its members never move.
- ``fixed``: a person is placed in a given group (0-based) and never moves.
  A kept set with a fixed member goes to that member's group.
- ``max_per``: at most k people with the same value of an attribute in any
  group (for example one per organisation).
- ``apart``: the two people of each pair are in different groups.

The search never generates a move or swap that would break one of these. The
start is built by a randomised placement that respects them; when that fails,
CP-SAT (OR-Tools) looks for a feasible start, and if there is none it names a
small set of rules that cannot hold together, raised as ``ConflictError``.
Obvious conflicts (a kept set larger than the largest group, a pair to keep
apart inside a kept set, more people of one organisation than groups times the
limit, ...) are reported before any search.

Upper bound (``Grouping.upper_bound``), for the group sizes of the result: for
a categorical attribute with weight w the within-group pairs that differ are
``sum_g C(s_g, 2) - sum_c sum_g C(n_gc, 2)``, and ``sum_g C(n_gc, 2)`` is at
least its value when the n_c people of category c are spread as evenly as
possible over the m groups (convexity). For a numeric attribute the group
sum of |x_i - x_j| equals ``sum_k (2k - s - 1) x_(k)`` over the sorted
members, a dot product of the values with the coefficients
``-(s-1), -(s-3), ..., s-1``; pairing all coefficients of all groups with all
values in sorted order (rearrangement inequality) bounds it from above. The
bound adds these per-attribute bounds; no assignment of people to groups of
those sizes can exceed it.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from matching import _core

TABLE_LIMIT = 3000
"""Pools up to this size get the gain table and the full memetic search."""


@dataclass(frozen=True)
class Reason:
    """Why the hard rules cannot all hold, as a code and figures (no sentence):
    an application words it in the reader's language.

    Codes: "sizes" (people, groups, low, high), "kept_too_large" (set,
    people, high), "kept_sets" (sets, groups), "group_over_full" (group,
    people, high), "max_per" (attribute, value, people, groups, limit),
    "max_per_kept" (attribute, value, group, people, limit), "apart_kept"
    (pair), "clash" (rules: the rule kinds that clash, "sizes",
    "keep_together", "max_per", "apart", "fixed"; kept_sets: their 0-based
    indexes), "timeout" and "input" (malformed input, such as an unknown id).
    """

    code: str
    details: Mapping[str, object] = field(default_factory=dict)


class ConflictError(ValueError):
    """The hard rules cannot all hold. ``conflicts`` lists reasons in English
    for logs and the command line; ``reasons`` the same as codes and figures
    (``Reason``) for applications to word in their users' language."""

    def __init__(
        self, conflicts: Sequence[str], reasons: Sequence[Reason] | None = None
    ):
        self.conflicts = tuple(conflicts)
        self.reasons = tuple(reasons) if reasons is not None else (Reason("input"),)
        super().__init__("the rules cannot all be met: " + "; ".join(self.conflicts))


@dataclass(frozen=True)
class Person:
    """A person to place: an id and attribute values (str = category, number)."""

    id: str
    attributes: Mapping[str, str | int | float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupSummary:
    """One group of the result and its make-up."""

    index: int
    members: tuple[str, ...]
    size: int
    diversity: float
    mix: Mapping[str, Mapping[str, int]]
    """categorical attribute -> value -> number of members with it"""
    ranges: Mapping[str, tuple[float, float, float]]
    """numeric attribute -> (min, mean, max) over the members"""


@dataclass(frozen=True)
class RuleCheck:
    """How one rule is met in the result (checked independently of the search)."""

    rule: str
    requirement: str
    achieved: str
    satisfied: bool


@dataclass(frozen=True)
class Grouping:
    """The result of ``form_groups``."""

    groups: tuple[GroupSummary, ...]
    assignment: Mapping[str, int]
    objective: float
    upper_bound: float | None
    rules: tuple[RuleCheck, ...]
    seconds: float
    seed: int

    @property
    def gap_to_bound(self) -> float | None:
        """Objective's distance below the upper bound, in percent of the bound."""
        if not self.upper_bound:
            return None
        return 100.0 * (self.upper_bound - self.objective) / self.upper_bound

    def to_json(self) -> dict:
        return {
            "objective": round(self.objective, 6),
            "groups": [list(g.members) for g in self.groups],
            "seconds": round(self.seconds, 3),
            "upper_bound": None
            if self.upper_bound is None
            else round(self.upper_bound, 6),
            "gap_to_bound_pct": None
            if self.gap_to_bound is None
            else round(self.gap_to_bound, 4),
            "rules": [
                {
                    "rule": r.rule,
                    "requirement": r.requirement,
                    "achieved": r.achieved,
                    "satisfied": r.satisfied,
                }
                for r in self.rules
            ],
            "group_details": [
                {
                    "group": g.index + 1,
                    "size": g.size,
                    "diversity": round(g.diversity, 6),
                    "mix": {a: dict(v) for a, v in g.mix.items()},
                    "ranges": {a: list(v) for a, v in g.ranges.items()},
                }
                for g in self.groups
            ],
        }


# ----------------------------------------------------------------------------
# Input normalisation


def _size_bounds(sizes: range | tuple[int, int] | int) -> tuple[int, int]:
    if isinstance(sizes, int):
        lo = hi = sizes
    elif isinstance(sizes, range):
        if sizes.step != 1 or len(sizes) == 0:
            raise ValueError("sizes must be a non-empty range with step 1")
        lo, hi = sizes.start, sizes.stop - 1
    else:
        lo, hi = (int(v) for v in sizes)
    if lo < 1 or hi < lo:
        raise ValueError(f"group sizes must satisfy 1 <= min <= max, got {lo}-{hi}")
    return lo, hi


def number_of_groups(n: int, lo: int, hi: int, groups: int | None = None) -> int:
    """The given number of groups if it fits, else the fewest that fit."""
    if groups is not None:
        if groups < 1 or groups * lo > n or groups * hi < n:
            raise ConflictError(
                [
                    f"{n} people cannot form {groups} groups of {lo}-{hi} "
                    f"(that needs between {groups * lo} and {groups * hi} people)"
                ],
                [
                    Reason(
                        "sizes", {"people": n, "groups": groups, "low": lo, "high": hi}
                    )
                ],
            )
        return groups
    m = max(1, -(-n // hi))
    if m * lo > n:
        raise ConflictError(
            [
                f"{n} people cannot be split into groups of {lo}-{hi}: "
                f"{m - 1} groups hold at most {(m - 1) * hi}, {m} need at least "
                f"{m * lo}"
            ],
            [Reason("sizes", {"people": n, "groups": None, "low": lo, "high": hi})],
        )
    return m


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class _Encoded:
    ids: tuple[str, ...]
    cat_names: tuple[str, ...]
    cat_values: tuple[tuple[str, ...], ...]  # per categorical attribute
    cat_codes: np.ndarray  # n x ncat int32
    cat_w: np.ndarray
    num_names: tuple[str, ...]
    num_raw: np.ndarray  # n x nnum float64
    num_w: np.ndarray
    num_scaled: np.ndarray  # raw * w / range


def _encode(
    people: Sequence[Person],
    mix: Mapping[str, float] | Collection[str] | None,
    extra_categorical: Collection[str],
) -> _Encoded:
    ids = tuple(str(p.id) for p in people)
    dup = [k for k, c in Counter(ids).items() if c > 1]
    if dup:
        raise ValueError(f"person ids must be unique; repeated: {', '.join(dup[:5])}")
    if mix is None:
        names: list[str] = []
        for p in people:
            for k in p.attributes:
                if k not in names:
                    names.append(k)
        weights = {k: 1.0 for k in names}
    elif isinstance(mix, Mapping):
        weights = {str(k): float(v) for k, v in mix.items()}
    else:
        weights = {str(k): 1.0 for k in mix}
    for k, w in weights.items():
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weight of {k!r} must be a non-negative number")
    known = {k for p in people for k in p.attributes}
    for k in list(weights) + list(extra_categorical):
        if people and k not in known:
            raise ValueError(f"no person has the attribute {k!r}")
    cat_names: list[str] = []
    num_names: list[str] = []
    for k in weights:
        vals = [p.attributes.get(k) for p in people]
        present = [v for v in vals if v is not None and v != ""]
        if (
            k not in extra_categorical
            and present
            and all(_is_number(v) for v in present)
        ):
            num_names.append(k)
        else:
            cat_names.append(k)
    for k in extra_categorical:
        if k not in cat_names:
            if k in num_names:
                num_names.remove(k)
            cat_names.append(k)
    n = len(people)
    codes = np.zeros((n, len(cat_names)), dtype=np.int32)
    cat_values = []
    for a, k in enumerate(cat_names):
        index: dict[str, int] = {}
        for i, p in enumerate(people):
            v = p.attributes.get(k)
            s = "" if v is None else str(v)
            codes[i, a] = index.setdefault(s, len(index))
        cat_values.append(tuple(index))
    raw = np.zeros((n, len(num_names)), dtype=np.float64)
    for b, k in enumerate(num_names):
        col = [p.attributes.get(k) for p in people]
        present = [float(v) for v in col if v is not None and v != ""]
        fill = float(np.median(present)) if present else 0.0
        raw[:, b] = [fill if v is None or v == "" else float(v) for v in col]
    num_w = np.array([weights.get(k, 0.0) for k in num_names], dtype=np.float64)
    scaled = np.zeros_like(raw)
    for b in range(len(num_names)):
        span = float(raw[:, b].max() - raw[:, b].min()) if n else 0.0
        if span > 0:
            scaled[:, b] = (raw[:, b] - raw[:, b].min()) * num_w[b] / span
    return _Encoded(
        ids=ids,
        cat_names=tuple(cat_names),
        cat_values=tuple(cat_values),
        cat_codes=np.ascontiguousarray(codes),
        cat_w=np.array([weights.get(k, 0.0) for k in cat_names], dtype=np.float64),
        num_names=tuple(num_names),
        num_raw=raw,
        num_w=num_w,
        num_scaled=np.ascontiguousarray(scaled),
    )


# ----------------------------------------------------------------------------
# Rule preparation and conflict detection


@dataclass(frozen=True)
class _Rules:
    fixed: np.ndarray  # n int32, -1 = free
    mp_attr: np.ndarray
    mp_lim: np.ndarray
    ap_ptr: np.ndarray | None
    ap_idx: np.ndarray | None
    kept: tuple[tuple[int, ...], ...]
    kept_group: tuple[int, ...]
    apart: tuple[tuple[int, int], ...]
    fixed_by_user: Mapping[int, int]


def _prepare_rules(
    enc: _Encoded,
    m: int,
    lo: int,
    hi: int,
    max_per: Mapping[str, int],
    keep_together: Sequence[Collection[str]],
    apart: Sequence[tuple[str, str]],
    fixed: Mapping[str, int],
) -> _Rules:
    n = len(enc.ids)
    pos = {pid: i for i, pid in enumerate(enc.ids)}
    problems: list[str] = []
    reasons: list[Reason] = []

    def problem(sentence: str, code: str = "input", **details: object) -> None:
        problems.append(sentence)
        reasons.append(Reason(code, details))

    def idx(pid: object, where: str) -> int | None:
        i = pos.get(str(pid))
        if i is None:
            problem(f"{where}: unknown person {pid!r}")
        return i

    user_fixed: dict[int, int] = {}
    for pid, g in fixed.items():
        i = idx(pid, "fixed")
        if i is None:
            continue
        if not 0 <= int(g) < m:
            problem(f"fixed: {pid} is fixed to group {g}, but groups are 0..{m - 1}")
            continue
        user_fixed[i] = int(g)

    kept: list[tuple[int, ...]] = []
    owner: dict[int, int] = {}
    for s, members in enumerate(keep_together):
        ids = []
        for pid in members:
            i = idx(pid, f"kept set {s + 1}")
            if i is None:
                continue
            if i in owner and owner[i] != s:
                problem(f"{enc.ids[i]} is in kept sets {owner[i] + 1} and {s + 1}")
                continue
            if i not in owner:
                owner[i] = s
                ids.append(i)
        kept.append(tuple(ids))
    # which group each kept set goes to
    kept_group: list[int] = []
    taken: set[int] = set()
    pending: list[int] = []
    for s, members in enumerate(kept):
        groups = sorted({user_fixed[i] for i in members if i in user_fixed})
        if len(groups) > 1:
            names = ", ".join(
                f"{enc.ids[i]} -> group {user_fixed[i]}"
                for i in members
                if i in user_fixed
            )
            problem(f"kept set {s + 1} has members fixed to different groups ({names})")
            kept_group.append(groups[0])
        elif groups:
            kept_group.append(groups[0])
            taken.add(groups[0])
        else:
            kept_group.append(-1)
            pending.append(s)
        if len(members) > hi:
            problem(
                f"kept set {s + 1} has {len(members)} people, more than the largest "
                f"group size {hi}",
                "kept_too_large",
                set=s,
                people=len(members),
                high=hi,
            )
    free = [g for g in range(m) if g not in taken]
    for s in pending:
        if not free:
            problem(
                f"{len(kept)} kept sets need groups of their own, "
                f"but there are only {m} groups",
                "kept_sets",
                sets=len(kept),
                groups=m,
            )
            break
        kept_group[s] = free.pop(0)

    fixed_arr = np.full(n, -1, dtype=np.int32)
    for i, g in user_fixed.items():
        fixed_arr[i] = g
    for s, members in enumerate(kept):
        for i in members:
            if kept_group[s] >= 0:
                fixed_arr[i] = kept_group[s]
    pinned = np.bincount(fixed_arr[fixed_arr >= 0], minlength=m)
    for g in range(m):
        if pinned[g] > hi:
            problem(
                f"group {g} would get {pinned[g]} fixed or kept people, more than {hi}",
                "group_over_full",
                group=g,
                people=int(pinned[g]),
                high=hi,
            )

    mp_attr, mp_lim = [], []
    for k, lim in max_per.items():
        if k not in enc.cat_names:
            problem(f"max-per: no attribute {k!r}")
            continue
        lim = int(lim)
        if lim < 1:
            problem(f"max-per {k}: the limit must be at least 1, got {lim}")
            continue
        a = enc.cat_names.index(k)
        mp_attr.append(a)
        mp_lim.append(lim)
        counts = Counter(int(c) for c in enc.cat_codes[:, a])
        for c, cnt in counts.items():
            if cnt > lim * m:
                problem(
                    f"max-per {k}: {cnt} people have {k} = "
                    f"{enc.cat_values[a][c]!r}, but {m} groups with at most {lim} "
                    f"each hold only {lim * m}",
                    "max_per",
                    attribute=k,
                    value=enc.cat_values[a][c],
                    people=cnt,
                    groups=m,
                    limit=lim,
                )
        per_group: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in np.nonzero(fixed_arr >= 0)[0]:
            per_group[(int(fixed_arr[i]), int(enc.cat_codes[i, a]))].append(int(i))
        for (g, c), members in per_group.items():
            if len(members) > lim:
                who = ", ".join(enc.ids[i] for i in members)
                problem(
                    f"max-per {k}: group {g} must hold {who} (kept or fixed), "
                    f"{len(members)} with {k} = {enc.cat_values[a][c]!r}, limit {lim}",
                    "max_per_kept",
                    attribute=k,
                    value=enc.cat_values[a][c],
                    group=g,
                    people=len(members),
                    limit=lim,
                )

    pairs: list[tuple[int, int]] = []
    for t, (p, q) in enumerate(apart):
        i, j = idx(p, f"apart pair {t + 1}"), idx(q, f"apart pair {t + 1}")
        if i is None or j is None:
            continue
        if i == j:
            problem(f"apart pair {t + 1}: {p} cannot be apart from themself")
            continue
        if fixed_arr[i] >= 0 and fixed_arr[i] == fixed_arr[j]:
            why = (
                "are in the same kept set"
                if i in owner and owner.get(j) == owner[i]
                else f"are both fixed to group {fixed_arr[i]}"
            )
            problem(f"apart pair {t + 1}: {p} and {q} {why}", "apart_kept", pair=(p, q))
            continue
        pairs.append((i, j))
    if problems:
        raise ConflictError(problems, reasons)
    ap_ptr = ap_idx = None
    if pairs:
        adj: list[list[int]] = [[] for _ in range(n)]
        for i, j in pairs:
            adj[i].append(j)
            adj[j].append(i)
        ap_ptr = np.zeros(n + 1, dtype=np.int32)
        ap_ptr[1:] = np.cumsum([len(a) for a in adj])
        ap_idx = np.array([j for a in adj for j in a], dtype=np.int32)
    return _Rules(
        fixed=fixed_arr,
        mp_attr=np.array(mp_attr, dtype=np.int32),
        mp_lim=np.array(mp_lim, dtype=np.int32),
        ap_ptr=ap_ptr,
        ap_idx=ap_idx,
        kept=tuple(kept),
        kept_group=tuple(kept_group),
        apart=tuple(pairs),
        fixed_by_user=user_fixed,
    )


def _cpsat_start(
    enc: _Encoded, rules: _Rules, m: int, lo: int, hi: int, seconds: float
) -> np.ndarray:
    """A feasible start from CP-SAT, or ConflictError naming clashing rules."""
    from ortools.sat.python import cp_model

    n = len(enc.ids)
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{g}") for g in range(m)] for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
    for g in range(m):
        model.add(sum(x[i][g] for i in range(n)) >= lo)
        model.add(sum(x[i][g] for i in range(n)) <= hi)
    labels: list[str] = []
    kinds: list[tuple[str, int | None]] = []
    lits = []

    def guard(label: str, kind: str, kept_set: int | None = None):
        lit = model.new_bool_var(label)
        labels.append(label)
        kinds.append((kind, kept_set))
        lits.append(lit)
        return lit

    for i, g in rules.fixed_by_user.items():
        model.add(x[i][g] == 1).only_enforce_if(
            guard(f"{enc.ids[i]} fixed to group {g}", "fixed")
        )
    for s, members in enumerate(rules.kept):
        if rules.kept_group[s] < 0:
            continue
        lit = guard(f"kept set {s + 1} ({len(members)} people)", "keep_together", s)
        for i in members:
            model.add(x[i][rules.kept_group[s]] == 1).only_enforce_if(lit)
    for a, lim in zip(rules.mp_attr, rules.mp_lim, strict=True):
        name = enc.cat_names[a]
        lit = guard(f"at most {lim} per group with the same {name}", "max_per")
        by_value: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            by_value[int(enc.cat_codes[i, a])].append(i)
        for members in by_value.values():
            if len(members) > lim:
                for g in range(m):
                    model.add(
                        sum(x[i][g] for i in members) <= int(lim)
                    ).only_enforce_if(lit)
    for i, j in rules.apart:
        lit = guard(f"{enc.ids[i]} apart from {enc.ids[j]}", "apart")
        for g in range(m):
            model.add_bool_or([x[i][g].Not(), x[j][g].Not()]).only_enforce_if(lit)
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, seconds)
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out = np.zeros(n, dtype=np.int32)
        for i in range(n):
            for g in range(m):
                if solver.value(x[i][g]):
                    out[i] = g
        return out
    if status == cp_model.INFEASIBLE:
        core = solver.sufficient_assumptions_for_infeasibility()
        index = {lit.index: k for k, lit in enumerate(lits)}
        found = [index[c] for c in core if c in index]
        named = [labels[k] for k in found]
        named.append(f"group sizes {lo}-{hi} with {m} groups")
        rule_kinds = ["sizes"] + [kinds[k][0] for k in found]
        clash = Reason(
            "clash",
            {
                "rules": tuple(dict.fromkeys(rule_kinds)),
                "kept_sets": tuple(
                    kinds[k][1] for k in found if kinds[k][1] is not None
                ),
                "groups": m,
                "low": lo,
                "high": hi,
            },
        )
        raise ConflictError(["these rules clash: " + "; ".join(named)], [clash])
    raise ConflictError(
        ["no grouping meeting all rules was found in time; try fewer rules"],
        [Reason("timeout")],
    )


# ----------------------------------------------------------------------------
# Evaluation and explanation (independent of the search)


def _group_diversity(enc: _Encoded, members: np.ndarray) -> float:
    s = len(members)
    total = 0.0
    for a in range(len(enc.cat_names)):
        if enc.cat_w[a] == 0:
            continue
        counts = np.bincount(enc.cat_codes[members, a])
        same = float((counts * (counts - 1) // 2).sum())
        total += enc.cat_w[a] * (s * (s - 1) / 2 - same)
    if s > 1 and len(enc.num_names):
        vals = np.sort(enc.num_scaled[members], axis=0)
        coef = 2.0 * np.arange(s) - (s - 1)
        total += float((coef[:, None] * vals).sum())
    return float(total)


def _matrix_group_diversity(d: np.ndarray, x: np.ndarray, g: int) -> float:
    idx = np.nonzero(x == g)[0]
    return float(d[np.ix_(idx, idx)].sum() / 2)


def upper_bound(enc: _Encoded, sizes: Sequence[int]) -> float:
    """Bound on the objective for groups of these sizes (see module docs)."""
    m = len(sizes)
    pairs = sum(s * (s - 1) // 2 for s in sizes)
    bound = 0.0
    for a in range(len(enc.cat_names)):
        if enc.cat_w[a] == 0:
            continue
        same = 0
        for cnt in np.bincount(enc.cat_codes[:, a]):
            q, r = divmod(int(cnt), m)
            same += r * (q + 1) * q // 2 + (m - r) * q * (q - 1) // 2
        bound += enc.cat_w[a] * (pairs - same)
    if len(enc.num_names):
        coef = np.sort(np.concatenate([2.0 * np.arange(s) - (s - 1) for s in sizes]))
        for b in range(len(enc.num_names)):
            bound += float(np.dot(coef, np.sort(enc.num_scaled[:, b])))
    return bound


def _explain(
    enc: _Encoded,
    x: np.ndarray,
    m: int,
    lo: int,
    hi: int,
    rules: _Rules,
    max_per: Mapping[str, int],
) -> tuple[tuple[GroupSummary, ...], tuple[RuleCheck, ...], float]:
    n = len(enc.ids)
    order = np.argsort(x, kind="stable")
    bounds = np.searchsorted(x[order], np.arange(m + 1))
    members_of = [order[bounds[g] : bounds[g + 1]] for g in range(m)]
    summaries = []
    objective = 0.0
    for g in range(m):
        mem = members_of[g]
        div = _group_diversity(enc, mem)
        objective += div
        mix = {}
        for a, k in enumerate(enc.cat_names):
            counts = Counter(enc.cat_values[a][c] for c in enc.cat_codes[mem, a])
            mix[k] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        ranges = {}
        for b, k in enumerate(enc.num_names):
            v = enc.num_raw[mem, b]
            ranges[k] = (
                (float(v.min()), float(v.mean()), float(v.max()))
                if len(v)
                else (0.0, 0.0, 0.0)
            )
        summaries.append(
            GroupSummary(
                index=g,
                members=tuple(enc.ids[i] for i in mem),
                size=len(mem),
                diversity=div,
                mix=mix,
                ranges=ranges,
            )
        )
    sizes = [len(mm) for mm in members_of]
    checks = [
        RuleCheck(
            "sizes",
            f"every group has {lo}-{hi} people" if lo < hi else f"{lo} per group",
            f"{m} groups, sizes {min(sizes)}-{max(sizes)}",
            all(lo <= s <= hi for s in sizes) and len(x) == n,
        )
    ]
    for k, lim in max_per.items():
        a = enc.cat_names.index(k)
        worst = 0
        for mem in members_of:
            if len(mem):
                worst = max(worst, int(np.bincount(enc.cat_codes[mem, a]).max()))
        checks.append(
            RuleCheck(
                f"max_per:{k}",
                f"at most {lim} per group with the same {k}",
                f"largest count of one {k} in a group: {worst}",
                worst <= lim,
            )
        )
    if rules.apart:
        broken = [(i, j) for i, j in rules.apart if x[i] == x[j]]
        checks.append(
            RuleCheck(
                "apart",
                f"{len(rules.apart)} pairs in different groups",
                f"{len(rules.apart) - len(broken)} of {len(rules.apart)} apart",
                not broken,
            )
        )
    if rules.kept:
        whole = sum(1 for s in rules.kept if len({int(x[i]) for i in s}) <= 1)
        checks.append(
            RuleCheck(
                "keep_together",
                f"{len(rules.kept)} sets each kept whole",
                f"{whole} of {len(rules.kept)} intact",
                whole == len(rules.kept),
            )
        )
    if rules.fixed_by_user:
        ok = sum(1 for i, g in rules.fixed_by_user.items() if x[i] == g)
        checks.append(
            RuleCheck(
                "fixed",
                f"{len(rules.fixed_by_user)} people in their given group",
                f"{ok} of {len(rules.fixed_by_user)} in place",
                ok == len(rules.fixed_by_user),
            )
        )
    return tuple(summaries), tuple(checks), objective


def _deal(enc: _Encoded, m: int, seed: int) -> np.ndarray:
    """Snake deal of people sorted by their attributes over m groups."""
    n = len(enc.ids)
    rng = np.random.default_rng(seed)
    keys = [rng.random(n)]
    for b in range(len(enc.num_names) - 1, -1, -1):
        keys.append(enc.num_raw[:, b])
    for a in range(len(enc.cat_names) - 1, -1, -1):
        keys.append(enc.cat_codes[:, a])
    order = np.lexsort(keys)
    pos = np.arange(n)
    rnd, within = pos // m, pos % m
    g = np.where(rnd % 2 == 0, within, m - 1 - within)
    x = np.empty(n, dtype=np.int32)
    x[order] = g
    return x


# ----------------------------------------------------------------------------
# Scoring a given grouping and checking one move (for groupings changed by hand)


@dataclass(frozen=True)
class RuleCount:
    """How one hard rule holds in a given grouping, as counts."""

    rule: str
    """"sizes", "max_per:<attribute>", "apart" or "keep_together"."""
    satisfied: bool
    limit: int | None = None
    """max_per: at most this many with the same value in a group"""
    achieved: int | None = None
    """max_per: the largest count of one value in a group; apart and
    keep_together: the pairs apart and the sets whole"""
    total: int | None = None
    """apart and keep_together: the number of pairs or sets"""


@dataclass(frozen=True)
class Scores:
    """A given grouping scored by the engine's own diversity and rules."""

    groups: tuple[GroupSummary, ...]
    """one per group index 0..groups-1 (empty groups included); members in
    the order of the people given"""
    objective: float
    categorical: tuple[str, ...]
    """mixed attributes treated as categories (in the order of ``mix``)"""
    numeric: tuple[str, ...]
    rules: tuple[RuleCount, ...]


@dataclass(frozen=True)
class MoveConflict:
    """A hard rule that moving one person to another group would break."""

    rule: str
    """"keep_together", "max_per" or "apart"."""
    attribute: str | None = None
    value: str | None = None
    count: int | None = None
    """max_per: people with the same value already in the target group"""
    limit: int | None = None
    pair: tuple[str, str] | None = None
    """apart: the pair as given (the person moved is one of them)"""
    kept_set: int | None = None
    """keep_together: the index of the person's set"""


def _members_by_group(
    ids: Sequence[str], assignment: Mapping[str, int], groups: int
) -> list[np.ndarray]:
    members: list[list[int]] = [[] for _ in range(groups)]
    for i, pid in enumerate(ids):
        if pid not in assignment:
            raise ValueError(f"the assignment has no group for {pid!r}")
        g = int(assignment[pid])
        if not 0 <= g < groups:
            raise ValueError(f"{pid!r} is in group {g}, but groups are 0..{groups - 1}")
        members[g].append(i)
    return [np.array(m, dtype=np.int64) for m in members]


def score_grouping(
    people: Sequence[Person],
    assignment: Mapping[str, int],
    *,
    groups: int | None = None,
    sizes: range | tuple[int, int] | int | None = None,
    mix: Mapping[str, float] | Collection[str] | None = None,
    max_per: Mapping[str, int] | None = None,
    keep_together: Sequence[Collection[str]] = (),
    apart: Sequence[tuple[str, str]] = (),
) -> Scores:
    """Score ``assignment`` (person id -> 0-based group) of ``people`` with the
    diversity ``form_groups`` maximises, and count how each rule holds.

    Unlike ``form_groups`` it takes any grouping, also one whose sizes or
    rules are broken (for example after moves by hand), and reports it.
    ``groups`` defaults to one more than the largest group index; ``sizes``
    (as in ``form_groups``) adds the "sizes" rule. The other arguments are
    those of ``form_groups``.
    """
    max_per = dict(max_per or {})
    enc = _encode(people, mix, tuple(max_per))
    if groups is None:
        groups = max((int(g) for g in assignment.values()), default=-1) + 1
    members_of = _members_by_group(enc.ids, assignment, groups)
    mixed = set(enc.cat_names) if mix is None else {str(k) for k in mix}
    categorical = tuple(k for k in enc.cat_names if k in mixed)
    summaries = []
    for g, mem in enumerate(members_of):
        mix_counts = {}
        for a, k in enumerate(enc.cat_names):
            if k not in mixed:
                continue
            counts = Counter(enc.cat_values[a][c] for c in enc.cat_codes[mem, a])
            mix_counts[k] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        ranges = {}
        for b, k in enumerate(enc.num_names):
            v = enc.num_raw[mem, b]
            ranges[k] = (
                (float(v.min()), float(v.mean()), float(v.max()))
                if len(v)
                else (0.0, 0.0, 0.0)
            )
        summaries.append(
            GroupSummary(
                index=g,
                members=tuple(enc.ids[i] for i in mem),
                size=len(mem),
                diversity=_group_diversity(enc, mem),
                mix=mix_counts,
                ranges=ranges,
            )
        )
    rules = []
    if sizes is not None:
        lo, hi = _size_bounds(sizes)
        rules.append(RuleCount("sizes", all(lo <= len(m) <= hi for m in members_of)))
    for k, limit in max_per.items():
        a = enc.cat_names.index(k)
        worst = max(
            (int(np.bincount(enc.cat_codes[m, a]).max()) for m in members_of if len(m)),
            default=0,
        )
        rules.append(RuleCount(f"max_per:{k}", worst <= limit, limit, worst))
    if apart:
        held = sum(1 for p, q in apart if assignment[p] != assignment[q])
        rules.append(RuleCount("apart", held == len(apart), None, held, len(apart)))
    if keep_together:
        whole = sum(1 for s in keep_together if len({assignment[p] for p in s}) <= 1)
        rules.append(
            RuleCount(
                "keep_together",
                whole == len(keep_together),
                None,
                whole,
                len(keep_together),
            )
        )
    return Scores(
        groups=tuple(summaries),
        objective=float(sum(g.diversity for g in summaries)),
        categorical=categorical,
        numeric=enc.num_names,
        rules=tuple(rules),
    )


def _category(person: Person, name: str) -> str:
    v = person.attributes.get(name)
    return "" if v is None else str(v)


def move_conflicts(
    people: Sequence[Person],
    assignment: Mapping[str, int],
    person: str,
    target: int,
    *,
    max_per: Mapping[str, int] | None = None,
    keep_together: Sequence[Collection[str]] = (),
    apart: Sequence[tuple[str, str]] = (),
) -> tuple[MoveConflict, ...]:
    """The hard rules that moving ``person`` into group ``target`` would break
    (none: the move keeps them), by the rules ``form_groups`` keeps: a member
    of a kept set stays with it, at most ``max_per[a]`` people with one value
    of ``a`` in a group, the two of a pair apart. Group sizes are not checked:
    a grouping changed by hand may leave the range, and ``score_grouping``
    reports it."""
    by_id = {p.id: p for p in people}
    if person not in by_id or person not in assignment:
        raise ValueError(f"unknown person {person!r}")
    moving = by_id[person]
    conflicts = [
        MoveConflict("keep_together", kept_set=s)
        for s, members in enumerate(keep_together)
        if person in members
    ]
    for name, limit in (max_per or {}).items():
        value = _category(moving, name)
        count = sum(
            1
            for other, group in assignment.items()
            if group == target
            and other != person
            and _category(by_id[other], name) == value
        )
        if count >= limit:
            conflicts.append(
                MoveConflict("max_per", name, value, count=count, limit=limit)
            )
    for a, b in apart:
        other = b if person == a else a if person == b else None
        if other is not None and assignment.get(other) == target:
            conflicts.append(MoveConflict("apart", pair=(a, b)))
    return tuple(conflicts)


# ----------------------------------------------------------------------------
# Public entry point


def form_groups(
    people: Sequence[Person],
    *,
    sizes: range | tuple[int, int] | int,
    groups: int | None = None,
    mix: Mapping[str, float] | Collection[str] | None = None,
    max_per: Mapping[str, int] | None = None,
    keep_together: Sequence[Collection[str]] = (),
    apart: Sequence[tuple[str, str]] = (),
    fixed: Mapping[str, int] | None = None,
    diversity: np.ndarray | Sequence[Sequence[float]] | None = None,
    seed: int = 0,
    time_limit: float = 1.0,
    threads: int = 2,
    iterations: int | None = None,
) -> Grouping:
    """Split ``people`` into maximally diverse groups under hard rules.

    ``sizes``: ``range(8, 11)`` or ``(8, 10)`` (inclusive) or one number.
    ``groups``: number of groups; by default the fewest the sizes allow.
    ``mix``: attribute -> weight (or a list of attributes, weight 1); by
    default every attribute with weight 1. Numbers are numeric attributes,
    everything else categorical.
    ``diversity``: optional n x n matrix used instead of the attributes (the
    attributes are then only used by ``max_per`` and the group mix).
    ``max_per``, ``keep_together``, ``apart``, ``fixed``: hard rules, see the
    module docstring. ``iterations`` makes the run deterministic.
    Raises ``ConflictError`` if the rules cannot all hold.
    """
    start = time.monotonic()
    max_per = dict(max_per or {})
    fixed = dict(fixed or {})
    lo, hi = _size_bounds(sizes)
    n = len(people)
    if n == 0:
        raise ValueError("no people to group")
    m = number_of_groups(n, lo, hi, groups)
    enc = _encode(people, mix, tuple(max_per))
    rules = _prepare_rules(enc, m, lo, hi, max_per, keep_together, apart, fixed)
    if diversity is not None:
        d = np.ascontiguousarray(np.asarray(diversity, dtype=np.float64))
        if d.shape != (n, n):
            raise ValueError(f"diversity must be {n} x {n}")
        if not np.allclose(d, d.T):
            raise ValueError("diversity must be symmetric")
        d = d.copy()
        np.fill_diagonal(d, 0.0)
    else:
        d = None
    lo_arr = np.full(m, lo, dtype=np.int32)
    hi_arr = np.full(m, hi, dtype=np.int32)
    large = n > TABLE_LIMIT
    has_rules = bool(
        rules.kept or rules.fixed_by_user or len(rules.mp_attr) or rules.apart
    )
    init = _deal(enc, m, seed) if large and not has_rules else None
    ncat = len(enc.cat_names)
    nnum = len(enc.num_names)

    def call(init_arr: np.ndarray | None, budget: float) -> tuple:
        return _core.solve(
            n=n,
            m=m,
            lo=lo_arr,
            hi=hi_arr,
            D=d,
            cat=enc.cat_codes if ncat else None,
            cat_sizes=np.array([len(v) for v in enc.cat_values], dtype=np.int32)
            if ncat
            else None,
            cat_w=enc.cat_w if ncat else None,
            num=enc.num_scaled if nnum else None,
            nnum=nnum,
            fixed=rules.fixed,
            mp_attr=rules.mp_attr if len(rules.mp_attr) else None,
            mp_lim=rules.mp_lim if len(rules.mp_lim) else None,
            ap_ptr=rules.ap_ptr,
            ap_idx=rules.ap_idx,
            init=init_arr,
            seed=int(seed) & 0xFFFFFFFFFFFFFFFF,
            time_limit=budget,
            max_iters=int(iterations) if iterations else 0,
            threads=1 if large else max(1, int(threads)),
            pop_size=80,
            sampled=1 if large else 0,
            use_table=0 if large else 1,
        )

    def remaining() -> float:
        if iterations and not time_limit:
            return 0.0
        return max(0.05, float(time_limit) - (time.monotonic() - start) - 0.02)

    xs, _, _, status = call(init, remaining())
    if status != 0:
        if n * m > 2_000_000:
            raise ConflictError(
                ["no grouping meeting all rules was found; try fewer rules"],
                [Reason("timeout")],
            )
        start_x = _cpsat_start(enc, rules, m, lo, hi, max(2.0, time_limit))
        xs, _, _, status = call(start_x, remaining())
        if status != 0:
            raise RuntimeError("the search could not use a feasible start")
    x = np.frombuffer(xs, dtype=np.int32).copy()
    summaries, checks, objective = _explain(enc, x, m, lo, hi, rules, max_per)
    if d is not None:  # the matrix, not the attributes, defines diversity
        summaries = tuple(
            replace(g, diversity=_matrix_group_diversity(d, x, g.index))
            for g in summaries
        )
        objective = sum(g.diversity for g in summaries)
    bad = [c for c in checks if not c.satisfied]
    if bad:  # the search must never return this; fail loudly if it does
        raise RuntimeError(f"internal error, rule broken: {bad[0]}")
    ub = upper_bound(enc, [s.size for s in summaries]) if d is None else None
    return Grouping(
        groups=summaries,
        assignment={enc.ids[i]: int(x[i]) for i in range(n)},
        objective=objective,
        upper_bound=ub,
        rules=checks,
        seconds=time.monotonic() - start,
        seed=seed,
    )
