"""Benchmark of the group formation engine against the MDGP literature.

Protocol (see ``../shared/benchmarks/mdgp/README.md``): every MDGPLIB instance
with n = 120 / 240 / 480 is solved with a wall-clock limit of 3 / 20 / 120 s,
each run a separate process (``python -m matching mdgp FILE --time-limit S
--seed N``) so that start-up counts, for at least 10 seeds. The small files
(n = 10 ... 60) are run too as correctness checks (1 s for n <= 12, where the
proven optimum must be reached in every seed). Every returned solution is
re-read and re-evaluated here, independently of the solver: each element in
exactly one group, group sizes within bounds, objective recomputed from the
instance file. The table gives per instance best / average / worst, the gap of
the average to the best-known value and TPSDP's published average gap, the
largest wall time and the mean CPU time the solver process got (2 threads x
limit when the machine is otherwise idle; much less means other load on the
machine competed with the run, and the figures are pessimistic).

``--scale`` instead forms groups of 8-10 from 100,000 synthetic people with six
attributes (three categorical, three numeric) in a child process, and reports
wall time, peak memory (max RSS of the child) and the gap to the upper bound
of ``matching.grouping.upper_bound``.

Usage::

    python benchmarks/bench_grouping.py            # full protocol (hours)
    python benchmarks/bench_grouping.py --quick    # n <= 240 only
    python benchmarks/bench_grouping.py --seeds 3 --filter 'RanReal_n120'
    python benchmarks/bench_grouping.py --time-limit 1 --filter n120
    python benchmarks/bench_grouping.py --scale
    python benchmarks/bench_grouping.py --merge benchmarks/results/a.json b.json

Results are also written as JSON to ``benchmarks/results/`` (``--no-save`` to
skip). The instance folder is ``../shared/benchmarks/mdgp`` relative to the
repository root unless ``MDGP_DIR`` points elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
BEST_KNOWN_DIR = REPO / "matching" / "best_known"
LIMITS = {120: 3.0, 240: 20.0, 480: 120.0, 960: 600.0}


def mdgp_dir() -> Path:
    env = os.environ.get("MDGP_DIR")
    return Path(env) if env else REPO.parent / "shared" / "benchmarks" / "mdgp"


def load_best_known(root: Path) -> dict[str, dict]:
    with open(root / "best_known.csv", newline="") as fh:
        return {row["instance"]: row for row in csv.DictReader(fh)}


def read_instance_independently(path: Path) -> tuple[int, list[tuple[int, int]], dict]:
    """A deliberately separate reader: (n, bounds, {(i, j): d})."""
    with open(path) as fh:
        head = fh.readline().split()
        n, m = int(head[0]), int(head[1])
        nums = [int(v) for v in head[3 : 3 + 2 * m]]
        bounds = [(nums[2 * g], nums[2 * g + 1]) for g in range(m)]
        dist = {}
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                i, j = int(parts[0]), int(parts[1])
                dist[(min(i, j), max(i, j))] = float(parts[2])
    return n, bounds, dist


def check_solution(path: Path, groups: list[list[int]]) -> float:
    """Feasibility check and objective recomputation; raises on any defect."""
    n, bounds, dist = read_instance_independently(path)
    if len(groups) != len(bounds):
        raise AssertionError(f"{len(groups)} groups, expected {len(bounds)}")
    seen = sorted(i for g in groups for i in g)
    if seen != list(range(n)):
        raise AssertionError("elements missing or placed twice")
    total = 0.0
    for g, members in enumerate(groups):
        lo, hi = bounds[g]
        if not lo <= len(members) <= hi:
            raise AssertionError(f"group {g} has {len(members)}, bounds {lo}-{hi}")
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = members[a], members[b]
                total += dist[(min(i, j), max(i, j))]
    return total


def run_one(path: Path, limit: float, seed: int, threads: int) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "matching",
        "mdgp",
        str(path),
        "--time-limit",
        str(limit),
        "--seed",
        str(seed),
        "--threads",
        str(threads),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{path.name} seed {seed}: {proc.stderr.strip()}")
    out = json.loads(proc.stdout)
    objective = check_solution(path, out["groups"])
    if abs(objective - out["objective"]) > 1e-3:
        raise AssertionError(
            f"{path.name}: reported {out['objective']}, recomputed {objective}"
        )
    return {
        "seed": seed,
        "objective": objective,
        "wall": wall,
        "cpu": cpu,
        "load_before": load,
        "groups": out["groups"],
    }


def size_of(name: str) -> int:
    match = re.search(r"_n(\d+)_", name)
    return int(match.group(1)) if match else 0


def limit_for(n: int, override: float | None) -> float:
    if override:
        return override
    if n <= 12:
        return 1.0
    if n <= 60:
        return 2.0
    return LIMITS.get(n, 120.0)


def save_new_best(name: str, objective: float, groups: list[list[int]]) -> None:
    BEST_KNOWN_DIR.mkdir(parents=True, exist_ok=True)
    target = BEST_KNOWN_DIR / f"{name}.json"
    if target.exists():
        old = json.loads(target.read_text())
        if old["objective"] >= objective - 1e-9:
            return
    target.write_text(
        json.dumps(
            {"instance": name, "objective": round(objective, 6), "groups": groups}
        )
        + "\n"
    )


def instance_row(
    name: str,
    limit: float,
    objs: list[float],
    seeds: list[int],
    best_row: dict,
    *,
    threads: int,
    walls: list[float],
    cpus: list[float],
    loads: list[float],
) -> dict:
    """One instance's statistics over its runs, against best-known and TPSDP."""
    bks = float(best_row["bks"]) if best_row.get("bks") else None
    tp_avg = float(best_row["tpsdp_avg"]) if best_row.get("tpsdp_avg") else None
    avg = sum(objs) / len(objs)
    return {
        "instance": name,
        "n": size_of(name),
        "limit_s": limit,
        "seeds": len(objs),
        "seed_list": seeds,
        "threads": threads,
        "best": max(objs),
        "avg": avg,
        "worst": min(objs),
        "max_wall_s": max(walls),
        "mean_cpu_s": sum(cpus) / len(cpus),
        "max_load_before": max(loads),
        "objectives": objs,
        "walls": walls,
        "cpus": cpus,
        "loads_before": loads,
        "bks": bks,
        "hits": sum(1 for o in objs if bks is not None and o >= bks - 1e-3),
        "avg_gap_pct": None if bks is None else 100 * (bks - avg) / bks,
        "best_gap_pct": None if bks is None else 100 * (bks - max(objs)) / bks,
        "tpsdp_avg": tp_avg,
        "tpsdp_avg_gap_pct": None if tp_avg is None else 100 * (bks - tp_avg) / bks,
        "beats_tpsdp_avg": None if tp_avg is None else avg >= tp_avg - 1e-6,
    }


def merge_reports(paths: list[Path]) -> dict:
    """Combine saved result files into one table, runs of an instance pooled.

    The protocol's 10 seeds per instance may be run in several sittings (an
    n = 480 sweep takes over three hours); this joins them. A seed that
    appears twice for one instance, runs at different limits or thread counts,
    or an old file that does not list its seeds is refused rather than
    guessed at, so a merged table never counts a run twice.
    """
    best = load_best_known(mdgp_dir())
    pooled: dict[str, dict] = {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        for row in data.get("rows", []):
            name = row["instance"]
            if "seed_list" not in row:
                sys.exit(f"{path}: {name} does not list its seeds; rerun it")
            runs = list(
                zip(
                    row["seed_list"],
                    row["objectives"],
                    row.get("walls", [row["max_wall_s"]] * row["seeds"]),
                    row.get("cpus", [row["mean_cpu_s"]] * row["seeds"]),
                    row.get("loads_before", [row["max_load_before"]] * row["seeds"]),
                    strict=True,
                )
            )
            key = (row["limit_s"], row.get("threads", 2))
            entry = pooled.setdefault(name, {"key": key, "runs": {}})
            if entry["key"] != key:
                sys.exit(
                    f"{path}: {name} was run at {key[0]} s with {key[1]} threads "
                    f"elsewhere at {entry['key'][0]} s with {entry['key'][1]}"
                )
            for run in runs:
                if run[0] in entry["runs"]:
                    sys.exit(f"{path}: {name} seed {run[0]} appears twice")
                entry["runs"][run[0]] = run
    rows = []
    for name in sorted(pooled, key=lambda k: (size_of(k), k)):
        entry = pooled[name]
        runs = [entry["runs"][seed] for seed in sorted(entry["runs"])]
        rows.append(
            instance_row(
                name,
                entry["key"][0],
                [r[1] for r in runs],
                [r[0] for r in runs],
                best.get(name, {}),
                threads=entry["key"][1],
                walls=[r[2] for r in runs],
                cpus=[r[3] for r in runs],
                loads=[r[4] for r in runs],
            )
        )
        print_row(rows[-1])
    summary = summarise(rows)
    print_summary(summary)
    return {"rows": rows, "summary": summary}


def bench_mdgp(args: argparse.Namespace) -> dict:
    root = mdgp_dir()
    if not (root / "instances").is_dir():
        sys.exit(f"MDGPLIB instances not found in {root} (set MDGP_DIR)")
    best = load_best_known(root)
    files = sorted(
        (root / "instances").glob("*.txt"), key=lambda p: (size_of(p.stem), p.stem)
    )
    if args.quick:
        files = [f for f in files if size_of(f.stem) <= 240]
    if args.filter:
        files = [f for f in files if re.search(args.filter, f.stem)]
    if args.min_n:
        files = [f for f in files if size_of(f.stem) >= args.min_n]
    rows = []
    for path in files:
        name = path.stem
        n = size_of(name)
        limit = limit_for(n, args.time_limit)
        runs = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            runs.append(run_one(path, limit, seed, args.threads))
        res = instance_row(
            name,
            limit,
            [r["objective"] for r in runs],
            [r["seed"] for r in runs],
            best.get(name, {}),
            threads=args.threads,
            walls=[r["wall"] for r in runs],
            cpus=[r["cpu"] for r in runs],
            loads=[r["load_before"] for r in runs],
        )
        bks = res["bks"]
        objs = res["objectives"]
        if bks is not None and max(objs) > bks + 1e-3:
            top = max(runs, key=lambda r: r["objective"])
            save_new_best(name, top["objective"], top["groups"])
            res["new_best_known"] = True
        rows.append(res)
        print_row(res)
        sys.stdout.flush()
    summary = summarise(rows)
    print_summary(summary)
    return {"rows": rows, "summary": summary}


def fmt(v, digits=3) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def print_row(r: dict) -> None:
    print(
        f"{r['instance']:<22} {r['limit_s']:>5.0f}s {fmt(r['best']):>13} "
        f"{fmt(r['avg']):>13} {fmt(r['worst']):>13} "
        f"hits {r['hits']:>2}/{r['seeds']:<2} "
        f"gap {fmt(r['avg_gap_pct'], 4):>7}% "
        f"tpsdp {fmt(r['tpsdp_avg_gap_pct'], 4):>7}% "
        f"wall<={r['max_wall_s']:.2f}s cpu~{r['mean_cpu_s']:.1f}s"
    )


def summarise(rows: list[dict]) -> dict:
    out = {}
    for n in sorted({r["n"] for r in rows}):
        rs = [r for r in rows if r["n"] == n]
        gaps = [r["avg_gap_pct"] for r in rs if r["avg_gap_pct"] is not None]
        tp = [r["tpsdp_avg_gap_pct"] for r in rs if r["tpsdp_avg_gap_pct"] is not None]
        out[str(n)] = {
            "instances": len(rs),
            "mean_avg_gap_pct": sum(gaps) / len(gaps) if gaps else None,
            "tpsdp_mean_avg_gap_pct": sum(tp) / len(tp) if tp else None,
            "instances_avg_ge_tpsdp_avg": sum(1 for r in rs if r["beats_tpsdp_avg"]),
            "instances_best_eq_bks": sum(1 for r in rs if r["hits"] > 0),
            "all_seeds_optimal": all(r["hits"] == r["seeds"] for r in rs),
            "max_wall_s": max(r["max_wall_s"] for r in rs),
        }
    return out


def print_summary(summary: dict) -> None:
    print()
    print("   n  files  mean avg gap %  TPSDP mean avg gap %  avg>=TPSDP  best=BKS")
    for n, s in summary.items():
        print(
            f"{n:>4} {s['instances']:>6} {fmt(s['mean_avg_gap_pct'], 4):>15} "
            f"{fmt(s['tpsdp_mean_avg_gap_pct'], 4):>21} "
            f"{s['instances_avg_ge_tpsdp_avg']:>11} {s['instances_best_eq_bks']:>9}"
        )


# ----------------------------------------------------------------------------
# Scale mode


def synthetic_people(n: int, seed: int):
    """n people: organisation (skewed, 400), branch (12), region (21),
    years (0-40), age (22-67), team size (0-60)."""
    import numpy as np

    from matching.grouping import Person

    rng = np.random.default_rng(seed)
    org_p = 1.0 / np.arange(1, 401) ** 0.8
    org = rng.choice(400, size=n, p=org_p / org_p.sum())
    branch = rng.choice(
        12, size=n, p=np.linspace(3, 1, 12) / np.linspace(3, 1, 12).sum()
    )
    region = rng.integers(0, 21, size=n)
    years = rng.integers(0, 41, size=n)
    age = np.clip(rng.normal(45, 9, size=n).round(), 22, 67)
    team = rng.integers(0, 61, size=n)
    return [
        Person(
            f"p{i}",
            {
                "organisation": f"org{org[i]}",
                "branch": f"b{branch[i]}",
                "region": f"r{region[i]}",
                "years": int(years[i]),
                "age": float(age[i]),
                "team_size": int(team[i]),
            },
        )
        for i in range(n)
    ]


def scale_child(n: int, limit: float, seed: int) -> None:
    from matching.grouping import form_groups

    t0 = time.monotonic()
    people = synthetic_people(n, seed)
    t1 = time.monotonic()
    result = form_groups(people, sizes=(8, 10), seed=seed, time_limit=limit)
    t2 = time.monotonic()
    sizes = [g.size for g in result.groups]
    print(
        json.dumps(
            {
                "people": n,
                "groups": len(result.groups),
                "sizes": [min(sizes), max(sizes)],
                "objective": result.objective,
                "upper_bound": result.upper_bound,
                "gap_to_bound_pct": result.gap_to_bound,
                "generate_s": t1 - t0,
                "form_groups_s": t2 - t1,
                "rules_ok": all(r.satisfied for r in result.rules),
            }
        )
    )


def bench_scale(args: argparse.Namespace) -> dict:
    limit = args.time_limit or 45.0
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--scale-child",
        str(args.scale_n),
        "--time-limit",
        str(limit),
    ]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    res = json.loads(proc.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    res["process_wall_s"] = wall
    res["peak_rss_mib"] = peak
    print(
        f"scale: {res['people']} people -> {res['groups']} groups of "
        f"{res['sizes'][0]}-{res['sizes'][1]}; "
        f"form_groups {res['form_groups_s']:.1f} s, "
        f"whole process {wall:.1f} s, peak RSS {peak:.0f} MiB; "
        f"gap to upper bound {res['gap_to_bound_pct']:.3f} %"
    )
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="only n <= 240")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--filter", default=None, help="regex on instance names")
    p.add_argument("--min-n", type=int, default=0, help="skip smaller instances")
    p.add_argument("--time-limit", type=float, default=None, help="override limits")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--scale", action="store_true", help="run the 100,000-people test")
    p.add_argument("--scale-n", type=int, default=100_000)
    p.add_argument("--scale-child", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-save", action="store_true", help="do not write results JSON")
    p.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="RESULTS_JSON",
        help="pool the runs of saved result files into one table (no solving)",
    )
    args = p.parse_args()
    if args.merge:
        out = merge_reports(args.merge)
        print(json.dumps(out["summary"], indent=1))
        if not args.no_save:
            RESULTS.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            (RESULTS / f"grouping-merged-{stamp}.json").write_text(
                json.dumps(out, indent=1)
            )
        return
    if args.scale_child:
        scale_child(args.scale_child, args.time_limit or 45.0, 1)
        return
    if args.scale:
        out = {"scale": bench_scale(args)}
        tag = "scale"
    else:
        out = bench_mdgp(args)
        tag = "quick" if args.quick else "full"
        if args.filter or args.time_limit or args.min_n:
            tag = "custom"
    print(json.dumps(out.get("summary", out), indent=1))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        if "rows" in out:
            for r in out["rows"]:
                r.pop("groups", None)
        (RESULTS / f"grouping-{tag}-{stamp}.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
