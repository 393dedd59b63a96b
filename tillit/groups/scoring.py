"""Score a given grouping the way the engine does, and check its hard rules.

`matching.form_groups` explains the grouping it returns, but it has no public
function to score a grouping the facilitator changed by hand, and its
explanation refuses a grouping whose sizes are out of range. This module is
the smallest such function: it applies the diversity documented in
`matching.grouping` (for people i and j,
``sum_a w_a [x_ia != x_ja] + sum_b w_b |x_ib - x_jb| / (max_b - min_b)``,
numeric attributes filled with their median when missing, attributes numeric
when every present value is a number) from per-group counts, and checks the
rules independently. A test compares its figures with the engine's own.

Everything is plain Python over the proposal's JSON: people are ids (strings)
with attribute dicts, the assignment maps ids to 0-based group indexes.
"""

from collections import Counter
from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True)
class GroupFigures:
    index: int
    members: tuple[str, ...]
    size: int
    diversity: float
    mix: dict[str, dict[str, int]]
    ranges: dict[str, tuple[float, float, float]]
    colleagues: frozenset[str]
    """members who share their organisation with someone else in the group"""
    size_ok: bool


@dataclass(frozen=True)
class Check:
    rule: str
    satisfied: bool
    required: int | None = None
    achieved: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Figures:
    groups: tuple[GroupFigures, ...]
    checks: tuple[Check, ...]
    objective: float
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def all_rules_met(self):
        return all(check.satisfied for check in self.checks)

    @property
    def flagged(self):
        return sum(len(group.colleagues) for group in self.groups)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


class Encoding:
    """The pool's attributes split into categorical and scaled numeric ones."""

    def __init__(self, people, weights):
        self.weights = {k: float(w) for k, w in weights.items()}
        self.categorical, self.numeric = [], []
        for name in self.weights:
            present = [
                p.get(name) for p in people.values() if p.get(name) not in (None, "")
            ]
            if present and all(_is_number(v) for v in present):
                self.numeric.append(name)
            else:
                self.categorical.append(name)
        self.raw, self.scaled = {}, {}
        for name in self.numeric:
            present = [
                float(p[name]) for p in people.values() if p.get(name) not in (None, "")
            ]
            fill = float(median(present))
            values = {
                pid: fill if p.get(name) in (None, "") else float(p[name])
                for pid, p in people.items()
            }
            low, high = min(values.values()), max(values.values())
            span = high - low
            weight = self.weights[name]
            self.raw[name] = values
            self.scaled[name] = {
                pid: (v - low) * weight / span if span > 0 else 0.0
                for pid, v in values.items()
            }

    def category(self, person, name):
        value = person.get(name)
        return "" if value is None else str(value)

    def diversity(self, people, members):
        size = len(members)
        total = 0.0
        for name in self.categorical:
            weight = self.weights[name]
            if not weight:
                continue
            counts = Counter(self.category(people[m], name) for m in members)
            same = sum(c * (c - 1) // 2 for c in counts.values())
            total += weight * (size * (size - 1) / 2 - same)
        for name in self.numeric:
            values = sorted(self.scaled[name][m] for m in members)
            total += sum((2 * k - (size - 1)) * v for k, v in enumerate(values))
        return total


def score(
    people,
    assignment,
    *,
    weights,
    groups,
    sizes,
    max_per=None,
    apart=(),
    kept=(),
    shown=("organisation",),
):
    """Figures of the grouping `assignment` (id -> group index) of `people`.

    `groups` is the number of groups (some may be empty after moves), `sizes`
    (low, high). `max_per` maps an attribute to its limit; `apart` lists id
    pairs; `kept` lists id sets that must share a group. `shown` names the
    attribute whose repeats in a group are flagged (colleagues).
    """
    max_per = max_per or {}
    encoding = Encoding(people, weights)
    members = [[] for _ in range(groups)]
    for pid in people:
        members[assignment[pid]].append(pid)
    low, high = sizes
    mix_names = list(encoding.categorical)
    figures = []
    for index, ids in enumerate(members):
        mix = {}
        for name in mix_names:
            counts = Counter(encoding.category(people[m], name) for m in ids)
            mix[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        ranges = {}
        for name in encoding.numeric:
            values = [encoding.raw[name][m] for m in ids]
            ranges[name] = (
                (min(values), sum(values) / len(values), max(values))
                if values
                else (0.0, 0.0, 0.0)
            )
        colleagues = frozenset()
        for name in shown:
            counts = Counter(encoding.category(people[m], name) for m in ids)
            colleagues |= {
                m
                for m in ids
                if counts[encoding.category(people[m], name)] > 1
                and encoding.category(people[m], name)
            }
        figures.append(
            GroupFigures(
                index=index,
                members=tuple(ids),
                size=len(ids),
                diversity=encoding.diversity(people, ids),
                mix=mix,
                ranges=ranges,
                colleagues=colleagues,
                size_ok=low <= len(ids) <= high,
            )
        )
    checks = [Check("sizes", all(g.size_ok for g in figures))]
    for name, limit in max_per.items():
        worst = 0
        for g in figures:
            counts = Counter(encoding.category(people[m], name) for m in g.members)
            worst = max(worst, max(counts.values(), default=0))
        checks.append(Check(f"max_per:{name}", worst <= limit, limit, worst))
    if apart:
        held = sum(1 for a, b in apart if assignment[a] != assignment[b])
        checks.append(Check("apart", held == len(apart), None, held, len(apart)))
    if kept:
        whole = sum(1 for s in kept if len({assignment[m] for m in s}) <= 1)
        checks.append(
            Check("keep_together", whole == len(kept), None, whole, len(kept))
        )
    return Figures(
        groups=tuple(figures),
        checks=tuple(checks),
        objective=sum(g.diversity for g in figures),
        numeric=tuple(encoding.numeric),
        categorical=tuple(mix_names),
    )
