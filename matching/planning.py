"""Cohort planning for a whole-organisation rollout.

Every manager of an organisation goes through a programme in one of K cohorts that
run in time order. ``plan_cohorts`` decides who goes when.

Hard rules (always hold in the cohorts the planner fills)
---------------------------------------------------------
* **capacity**: a cohort holds at most ``capacity`` managers;
* **unit share**: a cohort holds at most ``max(1, floor(max_unit_share * N_u))`` of
  unit ``u``'s ``N_u`` managers, so no unit is emptied of managers at once;
* **own manager**: nobody is in the same cohort as their own manager;
* **pins and bars**: a pinned manager is in the pinned cohort; nobody is in a cohort
  they are barred from (leave, known absence);
* **started cohorts**: cohorts marked ``started`` keep their members exactly; they
  take nobody new, and their members are not placed again (their pins and bars no
  longer apply). This is how re-planning
  works: mark what has started, pass the current managers (leavers gone, new starters
  added), and only the rest is planned. Rules broken inside started cohorts (they
  are history) are reported, not raised.

When the rules cannot all hold, ``PlanningInfeasible`` is raised; its ``conflicts``
name the rule, the people and the cohorts involved. Cheap checks catch the usual
causes (too little capacity, someone barred from every open cohort, a unit too
large for its share limit, pins that overfill a cohort, break the unit share or put
someone with their own manager). Anything subtler is found by the exact fallback
below, which then reports a set of rules that cannot hold together (an unsatisfiable
core).

Soft goals
----------
* **precedence**: one's own manager attends an earlier cohort (strictly earlier
  ``order``), so the follow-up at home is with someone who has done the programme;
* **department mix**: a cohort's *mix score* is the share of pairs of its members
  who come from different departments (the Gini-Simpson index without replacement):
  ``1 - sum_d n_d (n_d - 1) / (s (s - 1))`` for a cohort of size ``s`` with ``n_d``
  members from department ``d``. It is 0 when everyone is from one department and 1
  when every member is from a different one. The plan's mix score pools the pairs of
  all cohorts: ``1 - same_department_pairs / all_pairs``. ``population_mix`` is the
  same index for the whole organisation: what a cohort drawn at random would score,
  so a score above it means cohorts are better mixed than chance.

The objective minimised is ``precedence_weight * (managers whose own manager is not
earlier) + same_department_pairs``. Minimising same-department pairs is maximising
the mix score for given cohort sizes. The default weight (100) is more than one
move or swap can change the same-department pairs of cohorts of up to 50, so in
practice precedence comes first and the mix decides among equally good orders.
``mix_upper_bound`` spreads each department as evenly as possible over the open
cohorts (ignoring every other rule): no plan with these cohort sizes mixes better.

The algorithm
-------------
1. *Construction*: pinned and started people first, then everyone else by
   management depth (the chief first, then department heads, ...), each into the
   allowed cohort that breaks no hard rule and scores best on precedence, mix and
   an early-slot preference for people who manage others.
2. *Fallback*: if the greedy construction gets stuck, OR-Tools CP-SAT solves the
   hard rules exactly (one worker, fixed seed, so it is deterministic). Each group
   of rules (a person's bars, a pin, a cohort's capacity, a unit's share limit, a
   manager/report pair) has its own assumption literal; if the model is infeasible,
   the solver's sufficient assumptions name the conflicting rules and people.
3. *Local search*: simulated annealing over moves (one person to another allowed
   cohort with room) and swaps (two people exchange cohorts). A move that would
   break a hard rule is never made, so every intermediate plan is valid.
   Evaluations are O(1 + number of direct reports) using per-cohort department and
   unit counts. The search runs a fixed number of iterations drawn from a
   ``random.Random(seed)``, so the same input and seed give the same plan; the
   ``time_limit`` is a safety net that stops early (the result says so).

Why a manager does not follow their own manager (``NotPreceded.reason``):
``started`` (they are in a started cohort and the manager is not in an earlier
one), ``impossible`` (pins, bars and started cohorts leave the manager no cohort
before the latest cohort open to them) or ``trade_off`` (possible in isolation,
but not found together with the capacity and unit-share limits).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "CohortPlan",
    "CohortReport",
    "CohortSlot",
    "Conflict",
    "Manager",
    "NotPreceded",
    "PlacementConflict",
    "PlanningInfeasible",
    "RuleCheck",
    "placement_conflicts",
    "plan_cohorts",
    "unit_limit",
]


@dataclass(frozen=True)
class Manager:
    """A manager to be placed. ``manager_id`` is their own manager's id (or None).

    ``manager_id`` pointing at someone not in the list (a politician, a leaver) is
    treated as no manager. ``pinned`` and ``barred`` hold cohort ids.
    """

    id: Hashable
    unit: Hashable
    department: Hashable
    manager_id: Hashable | None = None
    pinned: Hashable | None = None
    barred: frozenset[Hashable] = frozenset()


@dataclass(frozen=True)
class CohortSlot:
    """A cohort. Lower ``order`` runs earlier; equal orders run at the same time.

    A ``started`` cohort keeps ``members`` (manager ids) as they are.
    """

    id: Hashable
    capacity: int
    order: int
    started: bool = False
    members: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Conflict:
    rule: str  # capacity, unit_share, own_manager, pin, bars, combination
    people: tuple[Hashable, ...]
    cohorts: tuple[Hashable, ...]
    message: str


class PlanningInfeasible(ValueError):
    """The hard rules cannot all hold; ``conflicts`` says which and for whom."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("; ".join(c.message for c in self.conflicts))


@dataclass(frozen=True)
class CohortReport:
    cohort_id: Hashable
    order: int
    capacity: int
    size: int
    started: bool
    department_counts: tuple[tuple[Hashable, int], ...]  # largest first
    mix_score: float  # share of member pairs from different departments


@dataclass(frozen=True)
class NotPreceded:
    manager_id: Hashable  # the person
    own_manager_id: Hashable
    reason: str  # started, impossible, trade_off
    explanation: str


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class CohortPlan:
    assignment: dict[Hashable, Hashable]  # manager id -> cohort id (started included)
    cohorts: tuple[CohortReport, ...]  # in time order
    mix_score: float
    population_mix: float
    mix_upper_bound: float  # no plan with these cohort sizes can mix better
    precede_count: int  # managers whose own manager is in an earlier cohort
    same_cohort_count: int  # with their own manager in a planned cohort: always 0
    not_preceded: tuple[NotPreceded, ...]
    without_manager: int  # managers whose own manager is not in the organisation
    rules: tuple[RuleCheck, ...]
    objective: int
    iterations: int
    stopped_by_time_limit: bool
    used_exact_construction: bool


def unit_limit(max_unit_share: float, unit_size: int) -> int:
    """The most managers of a unit of ``unit_size`` one cohort may hold."""
    return max(1, math.floor(max_unit_share * unit_size + 1e-9))


@dataclass(frozen=True)
class PlacementConflict:
    """A hard rule that placing one manager in a cohort would break.

    ``rule``: "started" (the cohort has started), "in_started" (the manager is
    in a cohort that has started), "barred", "capacity" (``count`` others
    already fill ``limit``), "own_manager" (``people``: their own manager is
    there), "report" (``people``: their reports there), "unit_share"
    (``count`` of the unit's ``unit_size`` managers are there, ``limit``)."""

    rule: str
    people: tuple[Hashable, ...] = ()
    count: int | None = None
    limit: int | None = None
    unit_size: int | None = None


def placement_conflicts(
    managers: Sequence[Manager],
    cohorts: Sequence[CohortSlot],
    assignment: Mapping[Hashable, Hashable],
    manager: Hashable,
    target: Hashable,
    *,
    max_unit_share: float,
) -> tuple[PlacementConflict, ...]:
    """The hard rules that placing ``manager`` in cohort ``target`` would break
    (none: it keeps them), by the rules ``plan_cohorts`` keeps. ``assignment``
    maps manager id -> cohort id for those placed now (``members`` of the
    slots are not used); unit sizes count ``managers``."""
    by_id = {m.id: m for m in managers}
    slots = {c.id: c for c in cohorts}
    if manager not in by_id:
        raise ValueError(f"unknown manager {manager!r}")
    if target not in slots:
        raise ValueError(f"unknown cohort {target!r}")
    person, slot = by_id[manager], slots[target]
    current = assignment.get(manager)
    others = [
        m for m, c in assignment.items() if c == target and m != manager and m in by_id
    ]
    out: list[PlacementConflict] = []
    if slot.started:
        out.append(PlacementConflict("started"))
    if current in slots and slots[current].started and current != target:
        out.append(PlacementConflict("in_started"))
    if target in person.barred:
        out.append(PlacementConflict("barred"))
    if len(others) >= slot.capacity:
        out.append(
            PlacementConflict("capacity", count=len(others), limit=slot.capacity)
        )
    if person.manager_id is not None and person.manager_id in others:
        out.append(PlacementConflict("own_manager", people=(person.manager_id,)))
    reports = tuple(m for m in others if by_id[m].manager_id == manager)
    if reports:
        out.append(PlacementConflict("report", people=reports))
    size = sum(1 for m in managers if m.unit == person.unit)
    limit = unit_limit(max_unit_share, size)
    same = sum(1 for m in others if by_id[m].unit == person.unit)
    if same >= limit:
        out.append(
            PlacementConflict("unit_share", count=same, limit=limit, unit_size=size)
        )
    return tuple(out)


def plan_cohorts(
    managers: Sequence[Manager],
    cohorts: Sequence[CohortSlot],
    *,
    max_unit_share: float,
    seed: int,
    time_limit: float = 8.0,
    iterations: int | None = None,
    precedence_weight: int = 100,
) -> CohortPlan:
    """Place every manager in a cohort; see the module docstring for the rules.

    ``iterations`` defaults to 1,000 per manager to place (at least 20,000).
    Raises ``PlanningInfeasible`` when the hard rules cannot all hold and
    ``ValueError`` for malformed input (duplicate ids, unknown cohort ids, a cycle
    in the management chain).
    """
    start = time.perf_counter()
    deadline = start + time_limit
    inst = _Instance(managers, cohorts, max_unit_share)
    conflicts = _quick_conflicts(inst)
    if conflicts:
        raise PlanningInfeasible(conflicts)
    rng = random.Random(seed)
    cohort_of = _greedy(inst, rng, precedence_weight)
    exact = cohort_of is None
    if cohort_of is None:
        cohort_of = _cpsat(inst, seed, max(1.0, deadline - time.perf_counter()))
    if iterations is None:
        iterations = max(20_000, 1_000 * len(inst.movable))
    done, stopped = _anneal(
        inst, cohort_of, rng, iterations, deadline, precedence_weight
    )
    return _report(inst, cohort_of, done, stopped, exact, precedence_weight)


class _Instance:
    """Integer-indexed view of the input. Cohorts are indexed in time order."""

    def __init__(self, managers, cohorts, share):
        if not (0 < share <= 1):
            raise ValueError("max_unit_share must be in (0, 1]")
        self.managers = list(managers)
        n = self.n = len(self.managers)
        index = {m.id: p for p, m in enumerate(self.managers)}
        if len(index) != n:
            raise ValueError("duplicate manager ids")
        self.index = index
        order = sorted(range(len(cohorts)), key=lambda c: (cohorts[c].order, c))
        self.cohorts = [cohorts[c] for c in order]
        k = self.k = len(self.cohorts)
        cindex = {c.id: i for i, c in enumerate(self.cohorts)}
        if len(cindex) != k:
            raise ValueError("duplicate cohort ids")
        self.cindex = cindex
        self.ordv = [c.order for c in self.cohorts]
        self.cap = [c.capacity for c in self.cohorts]
        if any(cap < 0 for cap in self.cap):
            raise ValueError("cohort capacity must be >= 0")
        self.open = [not c.started for c in self.cohorts]

        depts: dict[Hashable, int] = {}
        units: dict[Hashable, int] = {}
        self.dept = [depts.setdefault(m.department, len(depts)) for m in self.managers]
        self.unit = [units.setdefault(m.unit, len(units)) for m in self.managers]
        self.dept_names = list(depts)
        self.unit_names = list(units)
        self.n_dept, self.n_unit = len(depts), len(units)
        unit_size = [0] * self.n_unit
        for u in self.unit:
            unit_size[u] += 1
        self.unit_size = unit_size
        self.limit = [unit_limit(share, s) for s in unit_size]
        self.share = share

        self.boss = [-1] * n
        self.reports: list[list[int]] = [[] for _ in range(n)]
        for p, m in enumerate(self.managers):
            if m.manager_id == m.id:
                raise ValueError(f"manager {m.id!r} is their own manager")
            b = index.get(m.manager_id, -1) if m.manager_id is not None else -1
            self.boss[p] = b
            if b >= 0:
                self.reports[b].append(p)
        self.depth = [0] * n
        for p in range(n):
            seen, q, d = {p}, self.boss[p], 0
            while q >= 0:
                if q in seen:
                    raise ValueError(
                        f"management chain of {self.managers[p].id!r} has a cycle"
                    )
                seen.add(q)
                q, d = self.boss[q], d + 1
            self.depth[p] = d
        self.below = [0] * n  # number of people under p
        for p in sorted(range(n), key=lambda p: -self.depth[p]):
            if self.boss[p] >= 0:
                self.below[self.boss[p]] += 1 + self.below[p]

        # Started cohorts fix their members; pins fix the rest.
        self.fixed = [-1] * n
        self.started_by = [-1] * n
        self.departed: list[Hashable] = []
        for c, slot in enumerate(self.cohorts):
            if not slot.started:
                continue
            for mid in slot.members:
                p = index.get(mid)
                if p is None:
                    self.departed.append(mid)
                    continue
                if self.started_by[p] >= 0:
                    raise ValueError(f"manager {mid!r} is in two started cohorts")
                self.started_by[p] = self.fixed[p] = c
        self.barred: list[set[int]] = []
        self.pin = [-1] * n
        for p, m in enumerate(self.managers):
            bars = set()
            for cid in m.barred:
                if cid not in cindex:
                    raise ValueError(f"manager {m.id!r} barred from unknown {cid!r}")
                bars.add(cindex[cid])
            self.barred.append(bars)
            if m.pinned is not None:
                if m.pinned not in cindex:
                    raise ValueError(f"manager {m.id!r} pinned to unknown {m.pinned!r}")
                self.pin[p] = cindex[m.pinned]
        self.allowed: list[list[int]] = []
        for p in range(n):
            if self.started_by[p] >= 0:
                self.allowed.append([self.started_by[p]])
            elif self.pin[p] >= 0:
                self.allowed.append([self.pin[p]])
                self.fixed[p] = self.pin[p]
            else:
                self.allowed.append(
                    [c for c in range(k) if self.open[c] and c not in self.barred[p]]
                )
        self.movable = [p for p in range(n) if self.fixed[p] < 0]

    def mid(self, p: int) -> Hashable:
        return self.managers[p].id

    def cid(self, c: int) -> Hashable:
        return self.cohorts[c].id


def _quick_conflicts(inst: _Instance) -> list[Conflict]:
    """Necessary conditions that explain the common infeasible inputs."""
    out: list[Conflict] = []
    to_place = [p for p in range(inst.n) if inst.started_by[p] < 0]
    open_cohorts = [c for c in range(inst.k) if inst.open[c]]
    for p in range(inst.n):
        c = inst.pin[p]
        if c < 0:
            continue
        who, where = (inst.mid(p),), (inst.cid(c),)
        if inst.started_by[p] >= 0:
            continue  # a started cohort is a fact; pins and bars are for the rest
        if not inst.open[c]:
            out.append(
                Conflict(
                    "pin",
                    who,
                    where,
                    f"{who[0]!r} is pinned to "
                    f"{where[0]!r}, which has started without them",
                )
            )
        elif c in inst.barred[p]:
            out.append(
                Conflict(
                    "pin",
                    who,
                    where,
                    f"{who[0]!r} is pinned to {where[0]!r} and also barred from it",
                )
            )
    for p in to_place:
        if inst.pin[p] < 0 and not inst.allowed[p]:
            out.append(
                Conflict(
                    "bars",
                    (inst.mid(p),),
                    (),
                    f"{inst.mid(p)!r} is barred from every open cohort",
                )
            )
    capacity = sum(inst.cap[c] for c in open_cohorts)
    if capacity < len(to_place):
        out.append(
            Conflict(
                "capacity",
                (),
                tuple(inst.cid(c) for c in open_cohorts),
                f"{len(to_place)} managers to place but open cohorts hold only "
                f"{capacity}",
            )
        )
    pinned_in: dict[int, list[int]] = {}
    for p in to_place:
        if inst.pin[p] >= 0 and inst.open[inst.pin[p]]:
            pinned_in.setdefault(inst.pin[p], []).append(p)
    for c, people in sorted(pinned_in.items()):
        ids = tuple(inst.mid(p) for p in people)
        if len(people) > inst.cap[c]:
            out.append(
                Conflict(
                    "capacity",
                    ids,
                    (inst.cid(c),),
                    f"{len(people)} managers are pinned to {inst.cid(c)!r}"
                    f", which holds {inst.cap[c]}",
                )
            )
        by_unit: dict[int, list[int]] = {}
        for p in people:
            by_unit.setdefault(inst.unit[p], []).append(p)
        for u, group in sorted(by_unit.items()):
            if len(group) > inst.limit[u]:
                out.append(
                    Conflict(
                        "unit_share",
                        tuple(inst.mid(p) for p in group),
                        (inst.cid(c),),
                        f"{len(group)} managers of unit {inst.unit_names[u]!r} are "
                        f"pinned to {inst.cid(c)!r}; the unit share allows "
                        f"{inst.limit[u]}",
                    )
                )
        pinned_set = set(people)
        for p in people:
            if inst.boss[p] in pinned_set:
                out.append(
                    Conflict(
                        "own_manager",
                        (inst.mid(p), inst.mid(inst.boss[p])),
                        (inst.cid(c),),
                        f"{inst.mid(p)!r} and their own manager "
                        f"{inst.mid(inst.boss[p])!r} are both pinned to "
                        f"{inst.cid(c)!r}",
                    )
                )
    remaining = [0] * inst.n_unit
    for p in to_place:
        remaining[inst.unit[p]] += 1
    for u, count in enumerate(remaining):
        room = inst.limit[u] * len(open_cohorts)
        if count > room:
            out.append(
                Conflict(
                    "unit_share",
                    tuple(inst.mid(p) for p in to_place if inst.unit[p] == u),
                    (),
                    f"unit {inst.unit_names[u]!r} has {count} managers to place but "
                    f"the unit share ({inst.share:g}, i.e. {inst.limit[u]} per "
                    f"cohort) over {len(open_cohorts)} open cohorts allows {room}",
                )
            )
    return out


class _State:
    """Assignment plus the counts the hard rules and the objective need."""

    def __init__(self, inst: _Instance, cohort_of: list[int]):
        self.co = cohort_of
        k = inst.k
        self.size = [0] * k
        self.dc = [0] * (k * inst.n_dept)
        self.uc = [0] * (k * inst.n_unit)
        self.members: list[list[int]] = [[] for _ in range(k)]
        self.pos = [0] * inst.n
        for p, c in enumerate(cohort_of):
            if c >= 0:
                self.add(inst, p, c)

    def add(self, inst, p, c):
        self.co[p] = c
        self.size[c] += 1
        self.dc[c * inst.n_dept + inst.dept[p]] += 1
        self.uc[c * inst.n_unit + inst.unit[p]] += 1
        self.pos[p] = len(self.members[c])
        self.members[c].append(p)


def _violations(inst, co, p, c) -> int:
    """Precedence pairs involving p that fail if p is in cohort c (unplaced = ok)."""
    ordv = inst.ordv
    bad = 0
    b = inst.boss[p]
    if b >= 0 and co[b] >= 0 and ordv[co[b]] >= ordv[c]:
        bad += 1
    for r in inst.reports[p]:
        if co[r] >= 0 and ordv[c] >= ordv[co[r]]:
            bad += 1
    return bad


def _greedy(inst: _Instance, rng: random.Random, weight: int) -> list[int] | None:
    state = _State(inst, [-1] * inst.n)
    for p in range(inst.n):
        if inst.fixed[p] >= 0:
            state.add(inst, p, inst.fixed[p])
    tie = {p: rng.random() for p in inst.movable}
    order = sorted(inst.movable, key=lambda p: (inst.depth[p], -inst.below[p], tie[p]))
    # People who manage others go as early as their own manager allows, so their
    # reports can follow them; the weight outbids a cohort-full of mix.
    early = 2.0 * max(inst.cap, default=1)
    big = max(weight, early * (inst.k + 1))  # precedence first while constructing
    for p in order:
        d, u = inst.dept[p], inst.unit[p]
        best, best_score = -1, 0.0
        for c in inst.allowed[p]:
            if state.size[c] >= inst.cap[c]:
                continue
            if state.uc[c * inst.n_unit + u] >= inst.limit[u]:
                continue
            if _same_as_relative(inst, state.co, p, c):
                continue
            score = (
                big * _violations(inst, state.co, p, c)
                + state.dc[c * inst.n_dept + d]
                + state.size[c] / max(inst.cap[c], 1)
                + (early * c if inst.reports[p] else 0.0)
            )
            if best < 0 or score < best_score:
                best, best_score = c, score
        if best < 0:
            return None
        state.add(inst, p, best)
    return state.co


def _same_as_relative(inst, co, p, c) -> bool:
    b = inst.boss[p]
    if b >= 0 and co[b] == c:
        return True
    return any(co[r] == c for r in inst.reports[p])


def _cpsat(inst: _Instance, seed: int, time_limit: float) -> list[int]:
    """Exact feasibility with CP-SAT; raises PlanningInfeasible with a core."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    open_cohorts = [c for c in range(inst.k) if inst.open[c]]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    to_place = [p for p in range(inst.n) if inst.started_by[p] < 0]
    for p in to_place:
        for c in open_cohorts:
            x[p, c] = model.new_bool_var(f"x{p}_{c}")
        model.add_exactly_one(x[p, c] for c in open_cohorts)
    assumptions: dict[int, Conflict] = {}
    literals = []

    def guard(conflict: Conflict):
        lit = model.new_bool_var(conflict.rule)
        assumptions[lit.index] = conflict
        literals.append(lit)
        return lit

    for p in to_place:
        who = (inst.mid(p),)
        if inst.pin[p] >= 0:
            c = inst.pin[p]
            model.add(x[p, c] == 1).only_enforce_if(
                guard(
                    Conflict(
                        "pin",
                        who,
                        (inst.cid(c),),
                        f"{who[0]!r} is pinned to {inst.cid(c)!r}",
                    )
                )
            )
        elif inst.barred[p]:
            bars = sorted(c for c in inst.barred[p] if inst.open[c])
            model.add(sum(x[p, c] for c in bars) == 0).only_enforce_if(
                guard(
                    Conflict(
                        "bars",
                        who,
                        tuple(inst.cid(c) for c in bars),
                        f"{who[0]!r} is barred from {len(bars)} cohorts",
                    )
                )
            )
    for c in open_cohorts:
        model.add(sum(x[p, c] for p in to_place) <= inst.cap[c]).only_enforce_if(
            guard(
                Conflict(
                    "capacity",
                    (),
                    (inst.cid(c),),
                    f"cohort {inst.cid(c)!r} holds {inst.cap[c]}",
                )
            )
        )
    for u in range(inst.n_unit):
        people = [p for p in to_place if inst.unit[p] == u]
        if len(people) <= inst.limit[u]:
            continue
        lit = guard(
            Conflict(
                "unit_share",
                tuple(inst.mid(p) for p in people),
                (),
                f"unit {inst.unit_names[u]!r} may have at most {inst.limit[u]} "
                "per cohort",
            )
        )
        for c in open_cohorts:
            model.add(sum(x[p, c] for p in people) <= inst.limit[u]).only_enforce_if(
                lit
            )
    placed = set(to_place)
    for p in to_place:
        b = inst.boss[p]
        if b in placed:
            lit = guard(
                Conflict(
                    "own_manager",
                    (inst.mid(p), inst.mid(b)),
                    (),
                    f"{inst.mid(p)!r} may not be in the same cohort as their own "
                    f"manager {inst.mid(b)!r}",
                )
            )
            for c in open_cohorts:
                model.add(x[p, c] + x[b, c] <= 1).only_enforce_if(lit)
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        co = list(inst.fixed)
        for p in to_place:
            co[p] = next(c for c in open_cohorts if solver.value(x[p, c]))
        for p in range(inst.n):
            if inst.started_by[p] >= 0:
                co[p] = inst.started_by[p]
        return co
    if status == cp_model.INFEASIBLE:
        core = solver.sufficient_assumptions_for_infeasibility()
        conflicts = [assumptions[i] for i in sorted(core)]
        joined = "; ".join(c.message for c in conflicts)
        people = tuple(dict.fromkeys(p for c in conflicts for p in c.people))
        cohorts = tuple(dict.fromkeys(c for x in conflicts for c in x.cohorts))
        raise PlanningInfeasible(
            [
                Conflict(
                    "combination",
                    people,
                    cohorts,
                    f"these rules cannot all hold together: {joined}",
                )
            ]
        )
    raise PlanningInfeasible(
        [
            Conflict(
                "combination",
                (),
                (),
                f"no plan found within {time_limit:.1f} s and no proof that none "
                "exists",
            )
        ]
    )


def _anneal(inst, co, rng, iterations, deadline, weight) -> tuple[int, bool]:
    """Simulated annealing over moves and swaps that keep every hard rule."""
    movable = inst.movable
    if not movable:
        return 0, False
    state = _State(inst, co)  # updates `co` in place
    size, dc, uc, members = state.size, state.dc, state.uc, state.members
    cap, limit, dept, unit = inst.cap, inst.limit, inst.dept, inst.unit
    nd, nu = inst.n_dept, inst.n_unit
    allowed = inst.allowed
    fixed = inst.fixed
    mask = [sum(1 << c for c in allowed[p]) for p in range(inst.n)]
    viol = _violations
    related = _same_as_relative
    t_start, t_end = 3.0, 0.05
    cool = (t_end / t_start) ** (1 / max(iterations, 1))
    temp = t_start
    nm = len(movable)
    rand, randrange, exp = rng.random, rng.randrange, math.exp
    stopped = False
    it = 0
    while it < iterations:
        if it & 2047 == 0 and time.perf_counter() > deadline:
            stopped = True
            break
        it += 1
        temp *= cool
        p = movable[randrange(nm)]
        al = allowed[p]
        b = al[randrange(len(al))]
        a = co[p]
        if a == b:
            continue
        dp, up = dept[p], unit[p]
        if size[b] < cap[b] and rand() < 0.5:
            if uc[b * nu + up] >= limit[up] or related(inst, co, p, b):
                continue
            delta = dc[b * nd + dp] - dc[a * nd + dp] + 1
            delta += weight * (viol(inst, co, p, b) - viol(inst, co, p, a))
            if delta > 0 and rand() >= exp(-delta / temp):
                continue
            _move(state, inst, p, a, b)
            continue
        if not size[b]:
            continue
        q = members[b][randrange(size[b])]
        if fixed[q] >= 0 or not (mask[q] >> a) & 1:
            continue
        uq, dq = unit[q], dept[q]
        if up != uq and (uc[b * nu + up] >= limit[up] or uc[a * nu + uq] >= limit[uq]):
            continue
        if dp == dq:
            delta = 0
        else:
            delta = (
                dc[b * nd + dp]
                - dc[a * nd + dp]
                + 1
                + dc[a * nd + dq]
                - dc[b * nd + dq]
                + 1
            )
        d1 = viol(inst, co, p, b) - viol(inst, co, p, a)
        co[p] = b
        d2 = viol(inst, co, q, a) - viol(inst, co, q, b)
        co[q] = a
        ok = not related(inst, co, p, b) and not related(inst, co, q, a)
        co[p], co[q] = a, b
        if not ok:
            continue
        delta += weight * (d1 + d2)
        if delta > 0 and rand() >= exp(-delta / temp):
            continue
        _move(state, inst, p, a, b)
        _move(state, inst, q, b, a)
    return it, stopped


def _move(state, inst, p, a, b):
    members, pos = state.members, state.pos
    row = members[a]
    last = row.pop()
    if last != p:
        row[pos[p]] = last
        pos[last] = pos[p]
    state.size[a] -= 1
    state.dc[a * inst.n_dept + inst.dept[p]] -= 1
    state.uc[a * inst.n_unit + inst.unit[p]] -= 1
    state.add(inst, p, b)


def _pairs(s: int) -> int:
    return s * (s - 1) // 2


def _report(inst, co, iterations, stopped, exact, weight) -> CohortPlan:
    k, n = inst.k, inst.n
    size = [0] * k
    counts = [[0] * inst.n_dept for _ in range(k)]
    ucount: dict[tuple[int, int], int] = {}
    for p, c in enumerate(co):
        size[c] += 1
        counts[c][inst.dept[p]] += 1
        ucount[c, inst.unit[p]] = ucount.get((c, inst.unit[p]), 0) + 1
    reports = []
    same_pairs = all_pairs = 0
    for c, slot in enumerate(inst.cohorts):
        same = sum(_pairs(x) for x in counts[c])
        total = _pairs(size[c])
        same_pairs += same
        all_pairs += total
        dept_counts = sorted(
            ((inst.dept_names[d], x) for d, x in enumerate(counts[c]) if x),
            key=lambda item: -item[1],
        )
        reports.append(
            CohortReport(
                slot.id,
                slot.order,
                slot.capacity,
                size[c],
                slot.started,
                tuple(dept_counts),
                round(1 - same / total, 4) if total else 1.0,
            )
        )
    population = [0] * inst.n_dept
    for d in inst.dept:
        population[d] += 1
    pop_mix = 1 - sum(_pairs(x) for x in population) / _pairs(n) if n > 1 else 1.0

    ordv = inst.ordv
    precede, without, same_cohort = 0, 0, 0
    not_preceded: list[NotPreceded] = []
    for p in range(n):
        b = inst.boss[p]
        if b < 0:
            without += 1
            continue
        if co[b] == co[p] and inst.open[co[p]]:
            same_cohort += 1
        if ordv[co[b]] < ordv[co[p]]:
            precede += 1
            continue
        not_preceded.append(_why_not(inst, co, p, b))

    rules = _check_rules(inst, co, size, ucount, same_cohort)
    if not all(r.holds for r in rules):  # pragma: no cover - guarded by every move
        raise RuntimeError(f"internal error, a hard rule is broken: {rules}")
    return CohortPlan(
        assignment={inst.mid(p): inst.cid(co[p]) for p in range(n)},
        cohorts=tuple(reports),
        mix_score=round(1 - same_pairs / all_pairs, 4) if all_pairs else 1.0,
        population_mix=round(pop_mix, 4),
        mix_upper_bound=_mix_bound(inst, co, counts, all_pairs),
        precede_count=precede,
        same_cohort_count=same_cohort,
        not_preceded=tuple(not_preceded),
        without_manager=without,
        rules=tuple(rules),
        objective=weight * len(not_preceded) + same_pairs,
        iterations=iterations,
        stopped_by_time_limit=stopped,
        used_exact_construction=exact,
    )


def _mix_bound(inst, co, counts, all_pairs) -> float:
    """1 - (fewest same-department pairs) / pairs: each department's managers to
    place spread as evenly as possible over the open cohorts; started cohorts as
    they are. Capacity is ignored, so this bounds the score from above."""
    if not all_pairs:
        return 1.0
    open_c = [c for c in range(inst.k) if inst.open[c]]
    same = sum(_pairs(x) for c in range(inst.k) if not inst.open[c] for x in counts[c])
    left = [0] * inst.n_dept
    for p in range(inst.n):
        if inst.open[co[p]]:
            left[inst.dept[p]] += 1
    if open_c:
        for total in left:
            q, r = divmod(total, len(open_c))
            same += (len(open_c) - r) * _pairs(q) + r * _pairs(q + 1)
    return round(1 - same / all_pairs, 4)


def _why_not(inst, co, p, b) -> NotPreceded:
    me, boss = inst.mid(p), inst.mid(b)
    if inst.started_by[p] >= 0:
        return NotPreceded(
            me,
            boss,
            "started",
            f"{me!r} is in started cohort {inst.cid(co[p])!r} and their "
            "own manager is not in an earlier one",
        )
    ordv = inst.ordv
    earliest_boss = min(ordv[c] for c in inst.allowed[b])
    latest_me = max(ordv[c] for c in inst.allowed[p])
    if earliest_boss >= latest_me:
        return NotPreceded(
            me,
            boss,
            "impossible",
            f"pins, bars or started cohorts leave {boss!r} no cohort "
            f"before the latest one open to {me!r}",
        )
    if earliest_boss >= ordv[co[p]]:
        spare = sum(inst.cap[c] for c in range(inst.k) if inst.open[c]) - sum(
            1 for q in range(inst.n) if inst.started_by[q] < 0
        )
        return NotPreceded(
            me,
            boss,
            "trade_off",
            f"{me!r} is in {inst.cid(co[p])!r} and {boss!r} can have no earlier "
            f"cohort; moving {me!r} later did not fit the capacity and unit-share "
            f"limits (open cohorts have {spare} spare places in all)",
        )
    return NotPreceded(
        me,
        boss,
        "trade_off",
        "possible on its own, but not found together with the capacity "
        "and unit-share limits (or outweighed by the mix)",
    )


def _check_rules(inst, co, size, ucount, same_cohort) -> list[RuleCheck]:
    open_c = [c for c in range(inst.k) if inst.open[c]]
    over = [c for c in open_c if size[c] > inst.cap[c]]
    fill = max((size[c] / inst.cap[c] for c in open_c if inst.cap[c]), default=0.0)
    unit_over = sorted(
        {(c, u) for (c, u), x in ucount.items() if inst.open[c] and x > inst.limit[u]}
    )
    inherited_units = sorted(
        {
            (c, u)
            for (c, u), x in ucount.items()
            if not inst.open[c] and x > inst.limit[u]
        }
    )
    pins_bad = [
        p
        for p in range(inst.n)
        if inst.started_by[p] < 0 and inst.pin[p] >= 0 and co[p] != inst.pin[p]
    ]
    bars_bad = [
        p for p in range(inst.n) if inst.started_by[p] < 0 and co[p] in inst.barred[p]
    ]
    moved = [
        p
        for p in range(inst.n)
        if inst.started_by[p] >= 0 and co[p] != inst.started_by[p]
    ]
    joined = [
        p for p in range(inst.n) if inst.started_by[p] < 0 and not inst.open[co[p]]
    ]
    inherited_pairs = sum(
        1
        for p in range(inst.n)
        if inst.boss[p] >= 0 and co[p] == co[inst.boss[p]] and not inst.open[co[p]]
    )
    n_started = sum(1 for c in range(inst.k) if not inst.open[c])
    return [
        RuleCheck(
            "capacity",
            not over,
            f"{len(open_c)} planned cohorts, fullest at {fill:.0%} of capacity",
        ),
        RuleCheck(
            "unit_share",
            not unit_over,
            f"at most max(1, floor({inst.share:g} x unit size)) of a unit per "
            f"cohort; {len(inherited_units)} excesses inherited from started "
            "cohorts",
        ),
        RuleCheck(
            "own_manager",
            same_cohort == 0,
            f"{same_cohort} managers share a planned cohort with their own "
            f"manager; {inherited_pairs} inherited from started cohorts",
        ),
        RuleCheck(
            "pins",
            not pins_bad,
            f"{sum(1 for p in inst.pin if p >= 0)} pinned, all in place"
            if not pins_bad
            else f"{len(pins_bad)} pins broken",
        ),
        RuleCheck(
            "bars",
            not bars_bad,
            f"{sum(1 for b in inst.barred if b)} managers with bars, none in a "
            "barred cohort"
            if not bars_bad
            else f"{len(bars_bad)} bars broken",
        ),
        RuleCheck(
            "started_kept",
            not moved and not joined,
            f"{n_started} started cohorts kept as they were; "
            f"{len(inst.departed)} members no longer in the organisation",
        ),
    ]
