"""Command line: ``python -m matching mdgp ...`` and ``python -m matching groups ...``.

Run ``python -m matching groups --help`` for the organiser's guide.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import time


def _process_start_age() -> float:
    """Seconds since this process started (falls back to 0 off Linux)."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


_T0 = time.monotonic() - _process_start_age()

GROUPS_HELP = """\
Split the people in a CSV file into groups that are as mixed as possible.

The people file is a table saved as CSV (comma or semicolon separated) with a
header row. The first column identifies the person (a name, e-mail or number);
every other column is something to mix on, for example organisation, branch,
region or years of experience. Columns that contain only numbers are treated
as numbers (people far apart count as more different); all others as
categories (different values count as different).

Example:

  python -m matching groups --people people.csv --size 8-10 \\
      --mix organisation:3,branch:2,region,years --max-per organisation:1 \\
      --out groups.csv

writes groups.csv with one row per person (person, group number) and prints a
summary with each group's mix and how every rule was met. Nothing is written
if a file has a problem; the message names the file, line and column.
"""


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    if v <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return v


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m matching",
        description="Form maximally diverse groups.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "mdgp",
        help="solve an MDGPLIB benchmark instance",
        description="Solve a Maximally Diverse Grouping Problem instance in "
        "MDGPLIB format and print the result as JSON.",
    )
    p.add_argument("file", help="instance file (first line: n m ss|ds a_0 b_0 ...)")
    p.add_argument(
        "--time-limit",
        type=_positive_float,
        default=3.0,
        help="wall-clock seconds for the whole command (default 3)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--threads", type=int, default=2, help="search threads (default 2)")
    p.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="stop after this many generations per thread (reproducible runs)",
    )

    g = sub.add_parser(
        "groups",
        help="form groups from a CSV file of people",
        description=GROUPS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    g.add_argument(
        "--people", required=True, help="CSV file: person in the first column"
    )
    g.add_argument(
        "--size",
        required=True,
        help="group size, e.g. 8-10 (between 8 and 10 people) or 9 (exactly 9)",
    )
    g.add_argument(
        "--groups",
        type=int,
        default=None,
        help="number of groups (default: as few as the size allows)",
    )
    g.add_argument(
        "--mix",
        default=None,
        help="columns to mix on, with optional weights: "
        "organisation:3,branch:2,region (weight 1 if not given; "
        "default: every column, weight 1)",
    )
    g.add_argument(
        "--max-per",
        action="append",
        default=[],
        metavar="COLUMN:N",
        help="at most N people with the same value of COLUMN in a group, "
        "e.g. organisation:1 (may be repeated)",
    )
    g.add_argument(
        "--keep",
        default=None,
        help="CSV with columns person,group: people who already form a group "
        "stay together (the group is filled up with newcomers)",
    )
    g.add_argument(
        "--apart",
        default=None,
        help="CSV with two person columns per row: these two must not share a "
        "group (e.g. a manager and their own manager)",
    )
    g.add_argument(
        "--fixed",
        default=None,
        help="CSV with columns person,group: put these people in the given "
        "group number (1 = the first group)",
    )
    g.add_argument(
        "--time-limit",
        type=_positive_float,
        default=5.0,
        help="seconds to search (default 5)",
    )
    g.add_argument(
        "--seed", type=int, default=0, help="random seed; same seed, same groups"
    )
    g.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="fixed amount of search instead of the time (exactly reproducible)",
    )
    g.add_argument("--out", default=None, help="CSV file to write person,group to")
    return parser


class InputError(Exception):
    """A problem in an input file or option, worded for the user."""


def _read_csv(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows; sniffs , ; or tab."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the file as UTF-8 text ({exc})"
        ) from None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise InputError(
            f"{path}, line {line}: contains a NUL byte; save the file as "
            "CSV text (UTF-8) and try again"
        )
    first = text.split("\n", 1)[0]
    delim = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            cells = [c.strip() for c in cells]
            if header is None:
                header = cells
            else:
                rows.append((line, cells))
    except csv.Error as exc:
        raise InputError(f"{path}, line {reader.line_num}: {exc}") from None
    if header is None:
        raise InputError(f"{path}: the file is empty")
    return header, rows


def _parse_number(text: str) -> float | None:
    """The cell as a number (decimal comma allowed), None if it is not one.
    nan and inf come back as such; the caller refuses them in number columns."""
    try:
        return float(text.replace(",", ".")) if text else None
    except ValueError:
        return None


def _load_people(path: str):
    from matching.grouping import Person

    header, rows = _read_csv(path)
    if len(header) < 2:
        raise InputError(
            f"{path}, line 1: need a person column and at least one column to mix on"
        )
    for col, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"{path}, line 1, column {col}: empty column name")
        if header.index(name) != col - 1:
            raise InputError(f"{path}, line 1, column {col}: repeated column {name!r}")
    numeric = [True] * len(header)
    seen: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) != len(header):
            raise InputError(
                f"{path}, line {line}: {len(cells)} columns, the header has "
                f"{len(header)}"
            )
        if not cells[0]:
            raise InputError(f"{path}, line {line}, column 1: the person is missing")
        if cells[0] in seen:
            raise InputError(
                f"{path}, line {line}, column 1: {cells[0]!r} already on line "
                f"{seen[cells[0]]}"
            )
        seen[cells[0]] = line
        for col in range(1, len(header)):
            if cells[col] and _parse_number(cells[col]) is None:
                numeric[col] = False
    if not rows:
        raise InputError(f"{path}: no people after the header")
    for line, cells in rows:
        for col in range(1, len(header)):
            value = _parse_number(cells[col]) if numeric[col] else None
            if value is not None and not math.isfinite(value):
                raise InputError(
                    f"{path}, line {line}, column {col + 1}: {cells[col]!r} is not a "
                    f"finite number; {header[col]} holds numbers, so give one or "
                    "leave the cell empty"
                )
    people = []
    for _, cells in rows:
        attrs: dict[str, str | float | None] = {}
        for col in range(1, len(header)):
            v = cells[col]
            attrs[header[col]] = (
                (_parse_number(v) if numeric[col] else v) if v else None
            )
        people.append(Person(cells[0], attrs))
    return header, people


def _parse_mix(text: str | None, header: list[str]) -> dict[str, float] | None:
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, weight = part.partition(":")
        name = name.strip()
        if name not in header[1:]:
            raise InputError(
                f"--mix: no column {name!r}; the columns are {', '.join(header[1:])}"
            )
        try:
            w = float(weight) if weight.strip() else 1.0
        except ValueError:
            raise InputError(
                f"--mix: weight {weight!r} of {name} is not a number"
            ) from None
        if not math.isfinite(w) or w < 0:
            raise InputError(
                f"--mix: weight of {name} must be a finite number, 0 or more"
            )
        out[name] = w
    if not out:
        raise InputError("--mix: give at least one column")
    return out


def _parse_size(text: str) -> tuple[int, int]:
    a, sep, b = text.partition("-")
    try:
        lo = int(a)
        hi = int(b) if sep else lo
    except ValueError:
        raise InputError(f"--size: {text!r} is not like 8-10 or 9") from None
    if lo < 1 or hi < lo:
        raise InputError(f"--size: {text!r} must be like 8-10 with 1 <= 8 <= 10")
    return lo, hi


def _check_writable(path: str) -> None:
    """Refuse an --out file that cannot be written, before any search."""
    if os.path.isdir(path):
        raise InputError(f"--out: {path} is a folder; give a file name")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise InputError(f"--out: the folder {folder} does not exist")
    probe = path + ".tmp"  # the file the result is written to, then renamed
    existed = os.path.exists(probe)
    try:
        with open(probe, "a", encoding="utf-8"):
            pass
        if not existed:
            os.remove(probe)
    except OSError as exc:
        raise InputError(f"--out: cannot write {path} ({exc.strerror})") from None
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise InputError(f"--out: cannot write {path} (read-only)")


def _run_groups(args: argparse.Namespace) -> dict:
    from matching.grouping import form_groups

    if args.out:
        _check_writable(args.out)
    header, people = _load_people(args.people)
    ids = {p.id for p in people}
    mix = _parse_mix(args.mix, header)
    lo, hi = _parse_size(args.size)
    max_per: dict[str, int] = {}
    for spec in args.max_per:
        for part in spec.split(","):
            name, _, k = part.partition(":")
            name = name.strip()
            if name not in header[1:]:
                raise InputError(f"--max-per: no column {name!r}")
            try:
                max_per[name] = int(k) if k.strip() else 1
            except ValueError:
                raise InputError(f"--max-per: {k!r} is not a whole number") from None
            if max_per[name] < 1:
                raise InputError("--max-per: the limit must be at least 1")
    keep: list[list[str]] = []
    if args.keep:
        kh, krows = _read_csv(args.keep)
        if len(kh) < 2:
            raise InputError(f"{args.keep}, line 1: need columns person,group")
        sets: dict[str, list[str]] = {}
        where: dict[str, int] = {}
        for line, cells in krows:
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise InputError(f"{args.keep}, line {line}: need a person and a group")
            if cells[0] not in ids:
                raise InputError(
                    f"{args.keep}, line {line}, column 1: {cells[0]!r} is not in "
                    f"{args.people}"
                )
            if cells[0] in where:
                raise InputError(
                    f"{args.keep}, line {line}, column 1: {cells[0]!r} already on "
                    f"line {where[cells[0]]}"
                )
            where[cells[0]] = line
            sets.setdefault(cells[1], []).append(cells[0])
        keep = list(sets.values())
    apart: list[tuple[str, str]] = []
    if args.apart:
        ah, arows = _read_csv(args.apart)
        for line, cells in [(1, ah), *arows]:
            if len(cells) < 2:
                raise InputError(f"{args.apart}, line {line}: need two people")
            if line == 1 and cells[0] not in ids and cells[1] not in ids:
                continue  # a header row
            for col in (0, 1):
                if cells[col] not in ids:
                    raise InputError(
                        f"{args.apart}, line {line}, column {col + 1}: "
                        f"{cells[col]!r} is not in {args.people}"
                    )
            apart.append((cells[0], cells[1]))
    fixed: dict[str, int] = {}
    if args.fixed:
        fh_, frows = _read_csv(args.fixed)
        for line, cells in [(1, fh_), *frows]:
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise InputError(
                    f"{args.fixed}, line {line}: need a person and a group"
                )
            if line == 1 and cells[0] not in ids:
                continue  # a header row
            if cells[0] not in ids:
                raise InputError(
                    f"{args.fixed}, line {line}, column 1: {cells[0]!r} is not in "
                    f"{args.people}"
                )
            try:
                number = int(cells[1])
            except ValueError:
                raise InputError(
                    f"{args.fixed}, line {line}, column 2: {cells[1]!r} is not a "
                    "group number"
                ) from None
            if number < 1:
                raise InputError(
                    f"{args.fixed}, line {line}, column 2: group numbers start at 1"
                )
            fixed[cells[0]] = number - 1
    start = time.monotonic()
    budget = args.time_limit - (start - _T0) - 0.1
    result = form_groups(
        people,
        sizes=(lo, hi),
        groups=args.groups,
        mix=mix,
        max_per=max_per,
        keep_together=keep,
        apart=apart,
        fixed=fixed,
        seed=args.seed,
        time_limit=max(0.05, budget) if not args.iterations else 0.0,
        iterations=args.iterations,
    )
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([header[0], "group"])
            for p in people:
                w.writerow([p.id, result.assignment[p.id] + 1])
        os.replace(tmp, args.out)
    out = result.to_json()
    out["seconds"] = round(time.monotonic() - _T0, 3)
    return out


def _run_mdgp(args: argparse.Namespace) -> dict:
    from matching.mdgp import evaluate, read_instance, solve_mdgp

    inst = read_instance(args.file)
    # keep 0.15 s for printing and exiting; the limit counts from process start
    budget = args.time_limit - (time.monotonic() - _T0) - 0.15
    sol = solve_mdgp(
        inst,
        seed=args.seed,
        time_limit=max(0.01, budget) if not args.iterations else 0.0,
        threads=args.threads,
        iterations=args.iterations,
    )
    groups = sol.groups(inst.m)
    return {
        "objective": round(evaluate(inst, sol.assignment), 6),
        "groups": groups,
        "seconds": round(time.monotonic() - _T0, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    from matching.grouping import ConflictError
    from matching.mdgp import InstanceError

    try:
        out = _run_mdgp(args) if args.command == "mdgp" else _run_groups(args)
    except (InputError, InstanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ConflictError as exc:
        print("error: the rules cannot all be met:", file=sys.stderr)
        for c in exc.conflicts:
            print(f"  - {c}", file=sys.stderr)
        return 3
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
