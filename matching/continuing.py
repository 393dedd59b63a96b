"""Ways out when continuing groups and the group size cannot all hold.

Groups that continue from year to year are kept whole (``keep_together``) and
take in newcomers. When the continuing groups are full, a few newcomers
cannot reach a group of the smallest size on their own and cannot join a full
group: ``form_groups`` raises ``ConflictError``. ``ways_out`` then tries the
changes a facilitator would consider, each on the same people and rules, and
returns those that work, each with the grouping it yields:

- ``fill_kept_groups``: no new group; the newcomers join the continuing
  groups with the most room (works when the room is enough).
- ``larger_groups``: allow ``extra`` more members than the largest size; the
  groups that grow are those of the result above the old largest size.
- ``new_group``: open new groups for the newcomers; when they are too few
  for the smallest size, some members of continuing groups (volunteers, at
  most so many that their group keeps the smallest size) move to the new
  group. Volunteers are taken in turn from the groups with most members, and
  within a group the member who shares the most attribute values with the
  others (the group loses the least variety).
- ``split_group``: one continuing group is split into two halves, kept
  whole each, and both take in newcomers.

A way out is tried only when the sizes alone allow it (the kept sets fit
their groups and the free people can bring every group to the smallest size
without passing the largest); ``form_groups`` then checks every hard rule,
and a way whose rules still clash is left out. Everything is returned as
codes and figures: no sentence is meant for the user.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from matching.grouping import (
    ConflictError,
    Grouping,
    Person,
    _size_bounds,
    form_groups,
)

KINDS = ("fill_kept_groups", "larger_groups", "new_group", "split_group")


@dataclass(frozen=True)
class WayOut:
    """One change of the rules that lets the grouping proceed, with its result."""

    kind: str
    """one of ``KINDS``"""
    sizes: tuple[int, int]
    """the group sizes the grouping keeps (the largest raised for
    ``larger_groups``)"""
    keep_together: tuple[tuple[str, ...], ...]
    """the kept sets of the grouping: volunteers left out, a split set in two"""
    kept_from: tuple[int, ...]
    """for each of ``keep_together``, the index of the set given it came from"""
    volunteers: tuple[str, ...]
    """members of kept sets who leave their set (``new_group``)"""
    split: int | None
    """``split_group``: the index of the set given that is split"""
    grouping: Grouping

    def groups_above(self, high: int) -> tuple[int, ...]:
        """Indexes of the result's groups with more than ``high`` members."""
        return tuple(g.index for g in self.grouping.groups if g.size > high)

    def new_groups(self) -> tuple[int, ...]:
        """Indexes of the result's groups that hold no kept set."""
        kept = {
            self.grouping.assignment[s[0]] for s in self.keep_together if len(s) > 0
        }
        return tuple(g.index for g in self.grouping.groups if g.index not in kept)


def sizes_allow(kept_sizes: Sequence[int], people: int, groups: int, lo: int, hi: int):
    """Whether ``groups`` groups of ``lo``-``hi`` can hold ``people`` of whom
    the kept sets (one group each) have ``kept_sizes`` members."""
    if len(kept_sizes) > groups or any(s > hi for s in kept_sizes):
        return False
    free = people - sum(kept_sizes)
    empty = groups - len(kept_sizes)
    need = sum(max(0, lo - s) for s in kept_sizes) + empty * lo
    room = sum(hi - s for s in kept_sizes) + empty * hi
    return need <= free <= room


def ways_out(
    people: Sequence[Person],
    *,
    sizes: range | tuple[int, int] | int,
    keep_together: Sequence[Collection[str]],
    mix: Mapping[str, float] | Collection[str] | None = None,
    max_per: Mapping[str, int] | None = None,
    apart: Sequence[tuple[str, str]] = (),
    seed: int = 0,
    time_limit: float = 1.0,
    iterations: int | None = None,
    largest_extra: int = 2,
) -> tuple[WayOut, ...]:
    """The ways out that work, at most one of each kind, in the order of
    ``KINDS``. ``time_limit`` is shared by the tries; with ``iterations`` and
    ``time_limit=0`` the result is the same on every machine. The arguments are
    those of ``form_groups``; ``largest_extra`` bounds ``larger_groups``."""
    lo, hi = _size_bounds(sizes)
    kept = [tuple(str(p) for p in s) for s in keep_together]
    by_id = {str(p.id): p for p in people}
    n = len(people)
    tries = _candidates(kept, by_id, n, lo, hi, largest_extra)
    if iterations and not time_limit:
        budget = 0.0  # only the iterations bound each try: reproducible
    else:
        budget = max(0.1, time_limit / max(1, len(tries)))
    found: list[WayOut] = []
    done: set[str] = set()
    for kind, (low, high), groups, sets, origin, volunteers, split in tries:
        if kind in done:
            continue
        try:
            grouping = form_groups(
                people,
                sizes=(low, high),
                groups=groups,
                mix=mix,
                max_per=max_per,
                keep_together=sets,
                apart=apart,
                seed=seed,
                time_limit=budget,
                threads=1,
                iterations=iterations,
            )
        except ConflictError:
            continue
        done.add(kind)
        found.append(
            WayOut(
                kind=kind,
                sizes=(low, high),
                keep_together=tuple(tuple(s) for s in sets),
                kept_from=tuple(origin),
                volunteers=tuple(volunteers),
                split=split,
                grouping=grouping,
            )
        )
    return tuple(found)


def _candidates(kept, by_id, n, lo, hi, largest_extra):
    """(kind, sizes, groups, kept sets, origin, volunteers, split) to try."""
    sizes_of = [len(s) for s in kept]
    everyone = list(range(len(kept)))
    tries = []
    k = len(kept)
    if k and sizes_allow(sizes_of, n, k, lo, hi):
        tries.append(("fill_kept_groups", (lo, hi), k, kept, everyone, (), None))
    for extra in range(1, largest_extra + 1):
        for groups in _group_counts(n, lo, hi + extra, k):
            if sizes_allow(sizes_of, n, groups, lo, hi + extra):
                tries.append(
                    (
                        "larger_groups",
                        (lo, hi + extra),
                        groups,
                        kept,
                        everyone,
                        (),
                        None,
                    )
                )
    newcomers = n - sum(sizes_of)
    for new in range(1, max(1, -(-newcomers // hi)) + 1):
        wanted = max(0, new * lo - newcomers)
        volunteers = _volunteers(kept, by_id, wanted, lo)
        if volunteers is None:
            continue
        leaving = set(volunteers)
        sets = [tuple(p for p in s if p not in leaving) for s in kept]
        if sizes_allow([len(s) for s in sets], n, k + new, lo, hi):
            tries.append(
                ("new_group", (lo, hi), k + new, sets, everyone, volunteers, None)
            )
    for s in sorted(everyone, key=lambda s: -sizes_of[s])[:2]:
        if sizes_of[s] < 2:
            continue
        first, second = _halves(kept[s], by_id)
        sets = [kept[t] for t in everyone if t != s] + [first, second]
        origin = [t for t in everyone if t != s] + [s, s]
        for groups in _group_counts(n, lo, hi, k + 1):
            if sizes_allow([len(x) for x in sets], n, groups, lo, hi):
                tries.append(("split_group", (lo, hi), groups, sets, origin, (), s))
    return tries


def _group_counts(n, lo, hi, at_least):
    """Group counts worth trying: the fewest the sizes allow, and one more."""
    fewest = max(at_least, 1, -(-n // hi))
    return [g for g in (fewest, fewest + 1) if g * lo <= n <= g * hi]


def _redundancy(member, members, by_id):
    """How many attribute values ``member`` shares with the others of the set."""
    mine = by_id[member].attributes
    return sum(
        1
        for other in members
        if other != member
        for key, value in mine.items()
        if by_id[other].attributes.get(key) == value
    )


def _volunteers(kept, by_id, wanted, lo):
    """``wanted`` members of kept sets who may leave (each set keeps at least
    ``lo``), taken in turn from the largest sets; None when too few may."""
    if wanted == 0:
        return ()
    spare = {s: len(members) - lo for s, members in enumerate(kept)}
    if sum(max(0, v) for v in spare.values()) < wanted:
        return None
    remaining = {s: list(members) for s, members in enumerate(kept)}
    chosen: list[str] = []
    while len(chosen) < wanted:
        s = max(remaining, key=lambda t: (spare[t], len(remaining[t]), -t))
        members = remaining[s]
        pick = max(members, key=lambda p: (_redundancy(p, members, by_id), p))
        members.remove(pick)
        spare[s] -= 1
        chosen.append(pick)
    return tuple(chosen)


def _halves(members, by_id):
    """Two halves of a set, dealt in turn after sorting by attributes, so each
    half keeps a share of the set's variety."""
    ordered = sorted(
        members,
        key=lambda p: (tuple(str(v) for v in by_id[p].attributes.values()), p),
    )
    return tuple(ordered[0::2]), tuple(ordered[1::2])
