"""Group formation and matching: plain Python, no Django.

Maximally diverse grouping (this package's engine)
==================================================

People (frozen dataclasses in, frozen dataclasses out)::

    from matching import Person, form_groups

    people = [Person("anna", {"organisation": "Kiruna", "years": 12}), ...]
    result = form_groups(
        people,
        sizes=range(8, 11),              # 8-10 per group; or (8, 10), or 9
        groups=None,                     # default: as few groups as sizes allow
        mix={"organisation": 3, "branch": 2, "region": 1, "years": 1},
        max_per={"organisation": 1},     # at most 1 per organisation per group
        keep_together=[["anna", "bo"]],  # a continuing group stays whole
        apart=[("cecilia", "dan")],      # e.g. a manager and their own manager
        fixed={"erik": 0},               # erik goes to group 0
        seed=1,
        time_limit=1.0,                  # wall-clock seconds
        threads=2,
        iterations=None,                 # set for bit-for-bit reproducible runs
    )
    result.groups        # tuple[GroupSummary]: members, size, diversity, mix, ranges
    result.assignment    # person id -> group index (0-based)
    result.objective     # sum of within-group diversities
    result.upper_bound   # bound for the result's group sizes; gap_to_bound in %
    result.rules         # tuple[RuleCheck]: each rule's requirement and outcome

``form_groups(people, *, sizes, groups=None, mix=None, max_per=None,
keep_together=(), apart=(), fixed=None, diversity=None, seed=0,
time_limit=1.0, threads=2, iterations=None) -> Grouping`` raises
``ConflictError`` (a ``ValueError`` with ``.conflicts``, readable reasons) if
the hard rules cannot all hold, and ``ValueError`` for malformed input.
``diversity`` (an n x n matrix) replaces the attribute-based diversity.

A grouping changed by hand::

    scores = score_grouping(people, assignment, groups=4, sizes=(8, 10),
                            mix=..., max_per=..., keep_together=..., apart=...)
    scores.groups, scores.objective, scores.rules   # RuleCount: counts per rule
    move_conflicts(people, assignment, "anna", 2, max_per=..., apart=...)
    # -> tuple[MoveConflict]: the rules moving anna to group 2 would break

Continuing groups that cannot all hold with the group size (``ConflictError``
has ``reasons``: codes and figures, no sentences)::

    options = ways_out(people, sizes=(8, 10), keep_together=kept, ...)
    # -> tuple[WayOut]: kind ("fill_kept_groups", "larger_groups",
    # "new_group", "split_group"), the sizes and kept sets it keeps, the
    # volunteers who leave a kept set, and the grouping it yields.

Benchmark instances (MDGPLIB)::

    from matching import read_instance, solve_mdgp, evaluate

    inst = read_instance("RanReal_n120_ss_01.txt")     # or make_instance(D, lo, hi)
    sol = solve_mdgp(inst, seed=1, time_limit=3.0, threads=2)  # -> Solution
    sol.assignment, sol.objective, sol.groups(inst.m)

Command line: ``python -m matching mdgp FILE --time-limit S --seed N`` and
``python -m matching groups --people people.csv --size 8-10 ...`` (see
``--help``). The algorithms are described in ``matching.mdgp`` (the search)
and ``matching.grouping`` (attributes, rules, bound).
"""

from matching.continuing import WayOut, ways_out
from matching.grouping import (
    ConflictError,
    Grouping,
    GroupSummary,
    MoveConflict,
    Person,
    Reason,
    RuleCheck,
    RuleCount,
    Scores,
    form_groups,
    move_conflicts,
    score_grouping,
)
from matching.mdgp import (
    Instance,
    InstanceError,
    Solution,
    evaluate,
    make_instance,
    read_instance,
    solve_mdgp,
)

__all__ = [
    "ConflictError",
    "GroupSummary",
    "Grouping",
    "Instance",
    "InstanceError",
    "MoveConflict",
    "Person",
    "Reason",
    "RuleCheck",
    "RuleCount",
    "Scores",
    "Solution",
    "WayOut",
    "evaluate",
    "form_groups",
    "make_instance",
    "move_conflicts",
    "read_instance",
    "score_grouping",
    "solve_mdgp",
    "ways_out",
]
