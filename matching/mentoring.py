"""Mentor matching: mentees to mentors by minimum-cost flow.

The model
---------
Each mentee gets at most one mentor; mentor ``j`` takes at most ``capacity`` mentees.
A pair is *forbidden* when mentee and mentor belong to the same organisation (unless
``forbid_same_organisation=False``), when one is in the other's line of management
(``manager_chain``), or when the caller lists it in ``forbidden``. A pair is a
*candidate* when it is not forbidden and the mentee either wished for the mentor or
has a fit score above zero with them: a mentee who stated no wishes and fits nobody
is left for the organiser rather than given an arbitrary mentor.

The value of a candidate pair is::

    utility = fit + wish_weight * (R + 1 - rank) / R

where ``fit`` is in [0, 1], ``rank`` is the mentor's 1-based position in the mentee's
wish list (the bonus is 0 for mentors not wished for) and ``R`` is the longest wish
list in the input. A first wish is worth ``wish_weight``; each later rank is worth
``wish_weight / R`` less (a Borda count). Utilities are rounded to 1/10,000.

The matching is lexicographically optimal: first the number of matched mentees is
as large as possible, then the total utility is as large as possible. Pairs fixed
by the organiser are kept and use their mentor's capacity.

The algorithm
-------------
The network is source -> mentee (capacity 1) -> mentor (cost ``-(M + utility)``)
-> sink (capacity = free places), plus a zero-cost source -> sink bypass so that
every mentee's unit of supply can stay unmatched. ``M`` is larger than the total
utility of any matching, so one more match always outweighs any utility; OR-Tools'
``SimpleMinCostFlow`` (cost scaling) solves it exactly in integers.

A dense network has ``mentees x mentors`` arcs (2.5 million for 5,000 x 500), which
takes longer to build and solve than the 2 s budget allows. We therefore solve on a
*candidate subset* (every wish plus each mentee's ``candidates_per_mentee`` best
pairs) and then prove the result optimal for the full model with LP duality
(column generation):

* The subset optimum yields mentor prices ``v_j >= 0`` and mentee values
  ``u_i >= 0`` with ``u_i + v_j >= M + utility_ij`` on every subset arc, equality on
  used arcs, ``u_i = 0`` for unmatched mentees and ``v_j = 0`` for mentors with free
  places. Those conditions are difference constraints between mentors, so the
  prices are shortest-path distances (Bellman-Ford from SciPy on a graph with one
  node per mentor; it has negative arcs but no negative cycle because the subset
  solution is optimal).
* If ``u_i + v_j >= M + utility_ij`` also holds for every pair outside the subset
  (checked for all pairs at once with NumPy), the prices are a feasible dual of the
  full problem satisfying complementary slackness, so the subset solution is
  optimal for the full problem. Otherwise the violating pairs are added and the
  flow is solved again. Each round only adds arcs, so this ends; in practice the
  first or second round certifies.

Why someone is unmatched (``UnmatchedMentee.reason``):

* ``no_allowed_mentor``: every mentor is forbidden for them (explained by rule);
* ``no_wish_or_fit``: some mentors are allowed, but the mentee wished for none of
  them and fits none of them (fit 0);
* ``mentors_full_fixed``: every candidate mentor is full with pairs fixed by the
  organiser;
* ``mentors_full``: every candidate mentor is full, and because the number of
  matches is maximum no re-arrangement of the others frees a place without leaving
  someone else unmatched.

``seed`` only decides between equally good matchings (it shuffles the order in
which arcs reach the solver); the same input and seed give the same matching.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import bellman_ford

__all__ = [
    "Mentee",
    "Mentor",
    "MentorLoad",
    "MentorMatching",
    "MentorPair",
    "MentoringInfeasible",
    "UnmatchedMentee",
    "match_mentors",
    "pair_conflicts",
]

SCALE = 10_000  # utilities are integers in units of 1/SCALE

FitScores = (
    Callable[["Mentee", "Mentor"], float]
    | Mapping[tuple[Hashable, Hashable], float]
    | np.ndarray
    | None
)


@dataclass(frozen=True)
class Mentee:
    """A participant who wants a mentor.

    ``wishes`` are mentor ids, best first. ``manager_chain`` holds the ids of the
    mentee's own manager, that manager's manager and so on; none of them may mentor
    the mentee.
    """

    id: Hashable
    organisation: Hashable
    wishes: tuple[Hashable, ...] = ()
    manager_chain: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Mentor:
    """A mentor (e.g. a municipal chief executive) taking up to ``capacity`` mentees.

    ``manager_chain`` as for ``Mentee``: a mentee in it may not be their mentee.
    """

    id: Hashable
    organisation: Hashable
    capacity: int = 1
    manager_chain: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class MentorPair:
    mentee_id: Hashable
    mentor_id: Hashable
    wish_rank: int | None  # 1-based position in the mentee's wishes, None if unwished
    fit: float
    fixed: bool  # kept from the organiser's fixed pairs


@dataclass(frozen=True)
class UnmatchedMentee:
    mentee_id: Hashable
    reason: str  # see the module docstring
    explanation: str
    candidates: tuple[Hashable, ...]  # mentors they could have taken (all full)


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: Hashable
    capacity: int
    assigned: int


@dataclass(frozen=True)
class MentorMatching:
    pairs: tuple[MentorPair, ...]  # in mentee input order
    unmatched: tuple[UnmatchedMentee, ...]  # in mentee input order
    loads: tuple[MentorLoad, ...]  # in mentor input order
    matched_count: int
    total_utility: float  # the objective after the match count (all pairs)
    wish_rank_counts: tuple[int, ...]  # [r-1] = mentees who got their r-th wish
    candidate_arcs: int  # mentee-mentor arcs in the final network
    pricing_rounds: int  # flow solves needed until the duality check passed

    def mentor_of(self, mentee_id: Hashable) -> Hashable | None:
        for pair in self.pairs:
            if pair.mentee_id == mentee_id:
                return pair.mentor_id
        return None


class MentoringInfeasible(ValueError):
    """Fixed pairs that break a hard rule; ``conflicts`` has one line per problem."""

    def __init__(self, conflicts: Sequence[str]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("; ".join(self.conflicts))


def match_mentors(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    *,
    fit: FitScores = None,
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    fixed: Iterable[tuple[Hashable, Hashable]] = (),
    wish_weight: float = 2.0,
    forbid_same_organisation: bool = True,
    candidates_per_mentee: int = 20,
    seed: int = 0,
) -> MentorMatching:
    """Match mentees to mentors: most matches first, then most utility.

    ``fit`` is a callable ``(mentee, mentor) -> float``, a mapping
    ``{(mentee_id, mentor_id): float}`` (missing pairs fit 0) or an array of shape
    ``(len(mentees), len(mentors))``; every value must be in [0, 1]. For thousands
    of mentees pass an array: a callable is called for every allowed pair.
    ``forbidden`` lists extra ``(mentee_id, mentor_id)`` pairs; ``fixed`` lists
    pairs that must be kept. Raises ``MentoringInfeasible`` when a fixed pair is
    forbidden or overfills its mentor, ``ValueError`` for malformed input.
    """
    n, m = len(mentees), len(mentors)
    mentee_index = _index([x.id for x in mentees], "mentee")
    mentor_index = _index([x.id for x in mentors], "mentor")
    if not (math.isfinite(wish_weight) and wish_weight >= 0):
        raise ValueError("wish_weight must be a finite number >= 0")
    if candidates_per_mentee < 1:
        raise ValueError("candidates_per_mentee must be at least 1")
    capacity = np.array([x.capacity for x in mentors], dtype=np.int64)
    if (capacity < 0).any():
        raise ValueError("mentor capacity must be >= 0")

    rules = _forbidden_rules(
        mentees,
        mentors,
        mentee_index,
        mentor_index,
        forbidden,
        forbid_same_organisation,
    )
    allowed = rules == 0
    fit_matrix = _fit_matrix(fit, mentees, mentors, allowed)

    wish_rank = np.zeros((n, m), dtype=np.int32)  # 0 = not wished
    longest = max((len(x.wishes) for x in mentees), default=0)
    for i, mentee in enumerate(mentees):
        if len(set(mentee.wishes)) != len(mentee.wishes):
            raise ValueError(f"mentee {mentee.id!r} wishes for a mentor twice")
        for rank, mentor_id in enumerate(mentee.wishes, start=1):
            if mentor_id not in mentor_index:
                raise ValueError(
                    f"mentee {mentee.id!r} wishes for unknown {mentor_id!r}"
                )
            wish_rank[i, mentor_index[mentor_id]] = rank
    wished = np.nonzero(wish_rank)
    bonus = wish_weight * (longest + 1 - wish_rank[wished]) / max(longest, 1)
    utility = fit_matrix * SCALE
    utility[wished] += bonus * SCALE
    utility = np.rint(utility, out=utility).astype(np.int64)
    candidate = allowed & ((wish_rank > 0) | (fit_matrix > 0))

    # Fixed pairs: validate, then take them out of the flow.
    assigned_to = np.full(n, -1, dtype=np.int64)
    fixed_mask = np.zeros(n, dtype=bool)
    conflicts: list[str] = []
    for mentee_id, mentor_id in fixed:
        if mentee_id not in mentee_index or mentor_id not in mentor_index:
            raise ValueError(f"fixed pair {(mentee_id, mentor_id)!r} names unknown ids")
        i, j = mentee_index[mentee_id], mentor_index[mentor_id]
        if fixed_mask[i]:
            raise ValueError(f"mentee {mentee_id!r} is in two fixed pairs")
        if rules[i, j]:
            conflicts.append(
                f"fixed pair {mentee_id!r}-{mentor_id!r} is forbidden: "
                + _rule_text(int(rules[i, j]))
            )
        fixed_mask[i] = True
        assigned_to[i] = j
    fixed_load = np.bincount(assigned_to[fixed_mask], minlength=m).astype(np.int64)
    for j in np.nonzero(fixed_load > capacity)[0]:
        conflicts.append(
            f"mentor {mentors[j].id!r} has {fixed_load[j]} fixed mentees "
            f"but capacity {capacity[j]}"
        )
    if conflicts:
        raise MentoringInfeasible(conflicts)
    free_capacity = capacity - fixed_load

    free = np.nonzero(~fixed_mask)[0]
    rng = random.Random(seed)
    order = free.tolist()
    rng.shuffle(order)
    free = np.array(order, dtype=np.int64)
    rounds, arc_count = 0, 0
    if len(free) and m:
        flow_result, rounds, arc_count = _solve(
            free, utility, candidate, free_capacity, wish_rank, candidates_per_mentee
        )
        assigned_to[free] = flow_result

    # Report.
    load = np.bincount(assigned_to[assigned_to >= 0], minlength=m)
    pairs: list[MentorPair] = []
    unmatched: list[UnmatchedMentee] = []
    rank_counts = [0] * longest
    total = 0.0
    for i, mentee in enumerate(mentees):
        j = int(assigned_to[i])
        if j >= 0:
            rank = int(wish_rank[i, j]) or None
            if rank:
                rank_counts[rank - 1] += 1
            total += utility[i, j] / SCALE
            pairs.append(
                MentorPair(
                    mentee.id,
                    mentors[j].id,
                    rank,
                    float(fit_matrix[i, j]),
                    fixed_mask[i],
                )
            )
        else:
            unmatched.append(
                _why_unmatched(
                    i, mentee, mentors, rules, candidate, load, capacity, fixed_load
                )
            )
    return MentorMatching(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        loads=tuple(
            MentorLoad(x.id, x.capacity, int(load[j])) for j, x in enumerate(mentors)
        ),
        matched_count=len(pairs),
        total_utility=round(total, 4),
        wish_rank_counts=tuple(rank_counts),
        candidate_arcs=arc_count,
        pricing_rounds=rounds,
    )


def _index(ids: list[Hashable], kind: str) -> dict[Hashable, int]:
    index = {x: k for k, x in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError(f"duplicate {kind} ids")
    return index


# Bit flags for the forbidden rules, so the explanation can name each.
_SAME_ORG, _LINE, _LISTED, _SELF = 1, 2, 4, 8


def pair_conflicts(
    mentee: Mentee,
    mentor: Mentor,
    *,
    others: int | None = None,
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    forbid_same_organisation: bool = True,
) -> tuple[str, ...]:
    """The hard rules the pair (``mentee``, ``mentor``) breaks, as codes (none:
    it may be made), by the rules ``match_mentors`` keeps: "same_person" (the
    mentee's id is the mentor's), "same_organisation", "line_of_management"
    (one is in the other's ``manager_chain``), "listed" (in ``forbidden``) and,
    when ``others`` (the mentor's mentees besides this one) is given,
    "mentor_full" when they already fill the mentor's ``capacity``."""
    flags = _pair_flags(mentee, mentor, set(forbidden), forbid_same_organisation)
    codes = [
        code
        for flag, code in (
            (_SELF, "same_person"),
            (_SAME_ORG, "same_organisation"),
            (_LINE, "line_of_management"),
            (_LISTED, "listed"),
        )
        if flags & flag
    ]
    if others is not None and others >= mentor.capacity:
        codes.append("mentor_full")
    return tuple(codes)


def _pair_flags(mentee, mentor, forbidden, same_org) -> int:
    flags = 0
    if mentee.id == mentor.id:
        flags |= _SELF
    if same_org and mentee.organisation == mentor.organisation:
        flags |= _SAME_ORG
    if mentor.id in mentee.manager_chain or mentee.id in mentor.manager_chain:
        flags |= _LINE
    if (mentee.id, mentor.id) in forbidden:
        flags |= _LISTED
    return flags


def _rule_text(flags: int) -> str:
    names = []
    if flags & _SELF:
        names.append("the same person")
    if flags & _SAME_ORG:
        names.append("same organisation")
    if flags & _LINE:
        names.append("own line of management")
    if flags & _LISTED:
        names.append("listed as forbidden")
    return ", ".join(names)


def _forbidden_rules(mentees, mentors, mentee_index, mentor_index, forbidden, same_org):
    n, m = len(mentees), len(mentors)
    rules = np.zeros((n, m), dtype=np.int8)
    if same_org and n and m:
        codes: dict[Hashable, int] = {}
        a = np.array([codes.setdefault(x.organisation, len(codes)) for x in mentees])
        b = np.array([codes.setdefault(x.organisation, len(codes)) for x in mentors])
        rules |= np.where(a[:, None] == b[None, :], _SAME_ORG, 0).astype(np.int8)
    for i, mentee in enumerate(mentees):
        for boss in mentee.manager_chain:
            if boss in mentor_index:
                rules[i, mentor_index[boss]] |= _LINE
    for j, mentor in enumerate(mentors):
        for boss in mentor.manager_chain:
            if boss in mentee_index:
                rules[mentee_index[boss], j] |= _LINE
    for mentee_id, mentor_id in forbidden:
        if mentee_id in mentee_index and mentor_id in mentor_index:
            rules[mentee_index[mentee_id], mentor_index[mentor_id]] |= _LISTED
    for i, mentee in enumerate(mentees):
        if mentee.id in mentor_index:
            rules[i, mentor_index[mentee.id]] |= _SELF
    return rules


def _fit_matrix(fit, mentees, mentors, allowed) -> np.ndarray:
    n, m = len(mentees), len(mentors)
    if fit is None:
        matrix = np.zeros((n, m))
    elif callable(fit):
        matrix = np.zeros((n, m))
        for i, j in zip(*np.nonzero(allowed), strict=True):
            matrix[i, j] = fit(mentees[i], mentors[j])
    elif isinstance(fit, Mapping):
        matrix = np.zeros((n, m))
        mentee_index = {x.id: k for k, x in enumerate(mentees)}
        mentor_index = {x.id: k for k, x in enumerate(mentors)}
        for (mentee_id, mentor_id), value in fit.items():
            if mentee_id in mentee_index and mentor_id in mentor_index:
                matrix[mentee_index[mentee_id], mentor_index[mentor_id]] = value
    else:
        matrix = np.array(fit, dtype=float)
        if matrix.shape != (n, m):
            raise ValueError(f"fit array has shape {matrix.shape}, expected {(n, m)}")
    if not np.isfinite(matrix).all() or (matrix < 0).any() or (matrix > 1).any():
        raise ValueError("fit scores must be in [0, 1]")
    return matrix


def _solve(free, utility, candidate, free_capacity, wish_rank, per_mentee):
    """Min-cost flow on a candidate subset, grown until LP duality proves it optimal.

    Returns the mentor index (or -1) for each mentee in ``free``, the number of
    rounds and the final number of mentee-mentor arcs.
    """
    k, m = len(free), utility.shape[1]
    util = utility[free]
    cand = candidate[free]
    big = int(util.max(initial=0)) * k + 1  # one more match beats any utility

    # Initial subset: every wish plus the best `per_mentee` candidates by utility.
    top = min(per_mentee, m)
    score = np.where(cand, util, -1)
    best = np.argpartition(-score, top - 1, axis=1)[:, :top]
    chosen = np.zeros_like(cand)
    np.put_along_axis(chosen, best, True, axis=1)
    chosen |= wish_rank[free] > 0
    chosen &= cand

    rounds = 0
    while True:
        rounds += 1
        rows, cols = np.nonzero(chosen)
        mentor_of = _flow(k, m, rows, cols, util[rows, cols], big, free_capacity)
        prices = _prices(k, m, rows, cols, util, mentor_of, big, free_capacity)
        # Dual check on every candidate pair: u_i + v_j >= M + utility_ij, in
        # integers (the prices are sums of integer arc lengths). Pairs that are not
        # candidates get a value below any u_i - M, so they never enter.
        v = np.rint(prices).astype(np.int64)
        gain = np.where(cand, util - v[None, :], -(big + 1))
        matched = mentor_of >= 0
        u = np.zeros(k, dtype=np.int64)
        u[matched] = big + util[matched, mentor_of[matched]] - v[mentor_of[matched]]
        violating = (gain > (u - big)[:, None]) & ~chosen
        if not violating.any():
            return mentor_of, rounds, int(chosen.sum())
        chosen |= violating


def _flow(k, m, rows, cols, utils, big, free_capacity) -> np.ndarray:
    source, sink = k + m, k + m + 1
    solver = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(k, source), rows, k + np.arange(m), [source]])
    heads = np.concatenate([np.arange(k), k + cols, np.full(m, sink), [sink]])
    caps = np.concatenate(
        [np.ones(k + len(rows), dtype=np.int64), free_capacity, [k]]
    ).astype(np.int64)
    costs = np.concatenate(
        [np.zeros(k, dtype=np.int64), -(big + utils), np.zeros(m + 1, dtype=np.int64)]
    ).astype(np.int64)
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    solver.set_node_supply(source, k)
    solver.set_node_supply(sink, -k)
    status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover - the bypass keeps it feasible
        raise RuntimeError(f"min-cost flow failed: {status}")
    pair_arcs = np.arange(k, k + len(rows))
    used = solver.flows(pair_arcs) > 0
    mentor_of = np.full(k, -1, dtype=np.int64)
    mentor_of[rows[used]] = cols[used]
    return mentor_of


def _prices(k, m, rows, cols, util, mentor_of, big, free_capacity) -> np.ndarray:
    """Mentor prices v_j from difference constraints (see the module docstring).

    Nodes: mentors 0..m-1, Z = m (price 0), R = m + 1 (virtual root). An arc a->b
    of length L encodes v_b <= v_a + L.
    """
    zero, root = m, m + 1
    j0 = mentor_of[rows]
    matched = j0 >= 0
    swap = matched & (cols != j0)
    tails = [cols[swap]]
    heads = [j0[swap]]
    lengths = [util[rows[swap], j0[swap]] - util[rows[swap], cols[swap]]]
    # Unmatched mentee: v_j >= M + utility_ij, i.e. Z <= j - (M + u).
    tails.append(cols[~matched])
    heads.append(np.full(int((~matched).sum()), zero))
    lengths.append(-(big + util[rows[~matched], cols[~matched]]))
    # Matched mentee: u_i >= 0, i.e. v_j0 <= Z + M + utility.
    done = np.nonzero(mentor_of >= 0)[0]
    tails.append(np.full(len(done), zero))
    heads.append(mentor_of[done])
    lengths.append(big + util[done, mentor_of[done]])
    # v_j >= 0 for all; v_j <= 0 for mentors with a free place.
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)
    open_ = np.nonzero(load < free_capacity)[0]
    tails += [np.arange(m), np.full(len(open_), zero), np.full(m + 1, root)]
    heads += [np.full(m, zero), open_, np.arange(m + 1)]
    lengths += [np.zeros(m), np.zeros(len(open_)), np.zeros(m + 1)]
    t = np.concatenate(tails).astype(np.int64)
    h = np.concatenate(heads).astype(np.int64)
    length = np.concatenate(lengths).astype(float)
    # Keep the shortest of parallel arcs (a sparse matrix would add them up).
    size = m + 2
    key = t * size + h
    order = np.lexsort((length, key))
    key, length = key[order], length[order]
    first = np.concatenate([[True], key[1:] != key[:-1]])
    key, length = key[first], length[first]
    graph = csr_matrix((length, (key // size, key % size)), shape=(size, size))
    dist = bellman_ford(graph, directed=True, indices=root)
    return dist[:m] - dist[zero]


def _why_unmatched(i, mentee, mentors, rules, candidate, load, capacity, fixed_load):
    m = len(mentors)
    if m == 0 or (rules[i] != 0).all():
        by_rule: dict[str, int] = {}
        for j in range(m):
            text = _rule_text(int(rules[i, j]))
            by_rule[text] = by_rule.get(text, 0) + 1
        detail = "; ".join(
            f"{text}: {count}" for text, count in sorted(by_rule.items())
        )
        return UnmatchedMentee(
            mentee.id,
            "no_allowed_mentor",
            f"every mentor is forbidden for them ({detail or 'there are no mentors'})",
            (),
        )
    options = np.nonzero(candidate[i])[0]
    if len(options) == 0:
        return UnmatchedMentee(
            mentee.id,
            "no_wish_or_fit",
            f"{int((rules[i] == 0).sum())} mentors are allowed, but they wished for "
            "none of them and fit none of them",
            (),
        )
    ids = tuple(mentors[j].id for j in options)
    if (load[options] < capacity[options]).any():  # pragma: no cover - max flow
        raise RuntimeError(f"mentee {mentee.id!r} unmatched next to a free place")
    if (fixed_load[options] >= capacity[options]).all():
        return UnmatchedMentee(
            mentee.id,
            "mentors_full_fixed",
            f"all {len(options)} mentors they could take are full with fixed pairs",
            ids,
        )
    return UnmatchedMentee(
        mentee.id,
        "mentors_full",
        f"all {len(options)} mentors they could take are full, and no re-arrangement "
        "frees a place without leaving someone else unmatched",
        ids,
    )
