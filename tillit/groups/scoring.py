"""Score a given grouping the way the engine does, and check its hard rules.

`matching.form_groups` explains the grouping it returns; a grouping the
facilitator changed by hand (sizes may be out of range) is scored by the
engine's `matching.score_grouping`, so the diversity and the rules are defined
in one place (`matching.grouping`). This module adapts the proposal's JSON to
it and adds what the page shows beyond the engine's figures: which members
share their organisation with someone else in the group.

Everything is plain Python over the proposal's JSON: people are ids (strings)
with attribute dicts, the assignment maps ids to 0-based group indexes.
"""

from collections import Counter
from dataclasses import dataclass

from matching import Person, score_grouping


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
    engine_people = [Person(pid, attributes) for pid, attributes in people.items()]
    scores = score_grouping(
        engine_people,
        assignment,
        groups=groups,
        sizes=tuple(sizes),
        mix=weights,
        max_per=max_per or {},
        keep_together=kept,
        apart=apart,
    )
    low, high = sizes
    figures = tuple(
        GroupFigures(
            index=group.index,
            members=group.members,
            size=group.size,
            diversity=group.diversity,
            mix={name: dict(counts) for name, counts in group.mix.items()},
            ranges=dict(group.ranges),
            colleagues=_colleagues(people, group.members, shown),
            size_ok=low <= group.size <= high,
        )
        for group in scores.groups
    )
    checks = tuple(
        Check(rule.rule, rule.satisfied, rule.limit, rule.achieved, rule.total)
        for rule in scores.rules
    )
    return Figures(
        groups=figures,
        checks=checks,
        objective=scores.objective,
        numeric=scores.numeric,
        categorical=scores.categorical,
    )


def _colleagues(people, members, shown):
    """Members who share a (non-empty) value of a `shown` attribute."""
    flagged = set()
    for name in shown:
        values = {m: people[m].get(name) for m in members}
        counts = Counter("" if v is None else str(v) for v in values.values())
        flagged |= {
            m for m, v in values.items() if v not in (None, "") and counts[str(v)] > 1
        }
    return frozenset(flagged)
