"""The registration rush, measured through the real HTTP stack on PostgreSQL.

    .venv/bin/python benchmarks/bench_registration.py [--attempts 2000 --clients 64]

1. Drops and recreates a throw-away database (default tillit_bench), migrates it,
   and seeds a 30-seat cohort with a waitlist, a twin cohort for the baseline, and
   fictional people (example.org) with API tokens (benchmarks/registration/seed.py).
2. Starts gunicorn (several worker processes) with production settings on a free
   port on 127.0.0.1.
3. From a separate process (registration/load.py), concurrent clients make the
   attempts, each a different person: POST /api/v1/cohorts/<id>/register/.
4. Runs the same locking transaction straight over psycopg from as many connections
   (registration/baseline.py) on the twin cohort: the raw baseline.
5. Counts in the database (registration/verify.py) and prints one JSON object.

Exits non-zero unless nothing was overbooked, nothing failed, no registration was
lost and the waitlist is in arrival order. Gunicorn is stopped and the database
dropped in any case. Traffic goes to 127.0.0.1 only.
"""

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
HELPERS = Path(__file__).resolve().parent / "registration"
PYTHON = sys.executable
REGISTER_PATH = "/api/v1/cohorts/{pk}/register/"
WRK = "/usr/bin/wrk"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients")
    parser.add_argument("--capacity", type=int, default=30, help="seats in the cohort")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(2, os.cpu_count() or 1),
        help="gunicorn processes (default: one per CPU, at least 2)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per worker (gthread; they overlap database round trips)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="Django CONN_MAX_AGE in the server (0: a new connection per request)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database to connect to while creating and dropping the bench one",
    )
    parser.add_argument("--database", default="tillit_bench")
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="gunicorn's port on 127.0.0.1 (default: any free one)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, s")
    parser.add_argument(
        "--max-seconds", type=float, default=300.0, help="per rush, in seconds"
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--setup-seconds",
        type=float,
        default=1800.0,
        help="time allowed to migrate, collect static files and seed each (on a "
        "machine shared with other work, migrating alone takes minutes)",
    )
    parser.add_argument(
        "--load",
        choices=["wrk", "python"],
        default="wrk" if shutil.which(WRK) else "python",
        help="load generator: wrk (C, Debian's /usr/bin/wrk; default when "
        "installed) or the asyncio client in registration/load.py (API only)",
    )
    parser.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (it needs little CPU)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after the rushes, profile N registrations in one process "
        "(registration/profile_register.py) and print where the time goes",
    )
    parser.add_argument(
        "--peer",
        choices=["pretix"],
        help="also run the peer's rush from ../shared/benchmarks/peers/ in the "
        "same run and print the ratio",
    )
    parser.add_argument(
        "--peer-dir",
        type=Path,
        default=ROOT.parent / "shared" / "benchmarks" / "peers",
        help="the shared peers folder (its pretix_setup.py and rush.py are used)",
    )
    parser.add_argument(
        "--peer-port", type=int, default=8100, help="pretix's port on 127.0.0.1"
    )
    parser.add_argument(
        "--peer-database",
        default="pretix",
        help="pretix's PostgreSQL database (kept between runs: migrating an "
        "empty one takes minutes of CPU)",
    )
    parser.add_argument(
        "--peer-redis-db", type=int, default=5, help="pretix's Redis database number"
    )
    parser.add_argument(
        "--peer-venv-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pretix-peer",
        help="pretix's virtual environment and data folder",
    )
    parser.add_argument(
        "--peer-seconds",
        type=float,
        default=3600.0,
        help="the peer's install, migrate and start may take this long, "
        "besides its rush",
    )
    args = parser.parse_args()
    if "bench" not in args.database:
        parser.error("--database must contain 'bench': it is dropped on every run")
    if urlsplit(args.postgres_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("the benchmark only runs against a local PostgreSQL")
    if args.attempts < 1 or args.clients < 1:
        parser.error("--attempts and --clients must be positive")
    return args


def database_url(admin_url, name):
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(admin_url, name, *, create=True):
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def run_json(args, env, timeout):
    """Run a helper, return the JSON object it printed; its errors on failure."""
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, workdir):
    static = workdir / "static"  # collected for the web form's pages
    static.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url(args.postgres_url, args.database),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_URL="dummymail://",
        CONN_MAX_AGE=str(args.conn_max_age),
        STATIC_ROOT=str(static),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_server(args, env, port, workdir):
    log = workdir / "gunicorn.log"
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--backlog=2048",
        "--timeout=120",
        "--log-level=warning",
        f"--error-logfile={log}",
    ]
    with log.open("ab") as output:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=output
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(f"{base}/api/v1/", timeout=2)
            return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def warm_up(base, cohort, token, workers):
    """Let every worker import its code and open its database connection before
    the clock starts: reads of the cohort, which register nobody."""
    headers = {"Authorization": f"Token {token}"}
    with httpx.Client(timeout=10, headers=headers) as http:
        for _ in range(workers * 4):
            http.get(f"{base}/api/v1/cohorts/{cohort}/").raise_for_status()


def stop_server(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def server_pids(server):
    """Gunicorn's master and its workers."""
    pids = [server.pid]
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    except OSError:
        return pids
    return pids + [int(pid) for pid in children.split()]


def cpu_seconds(pids):
    """User plus system CPU time the processes have used, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / CLOCK_TICKS


def run_wrk(args, url, people_lines, mode, page, workdir):
    """One rush with wrk and register.lua; returns its JSON line."""
    print(f"wrk: {mode} rush on {url}", file=sys.stderr, flush=True)
    people_file = workdir / f"wrk-{mode}.txt"
    people_file.write_text("\n".join(people_lines) + "\n")
    threads = max(1, min(args.wrk_threads, args.clients))
    command = [
        WRK,
        f"-t{threads}",
        f"-c{args.clients}",
        f"-d{int(args.max_seconds)}s",
        f"--timeout={int(args.timeout)}s",
        "-s",
        str(HELPERS / "register.lua"),
        url,
        "--",
        mode,
        str(people_file),
        str(args.attempts),
        str(threads),
        page or "-",
    ]
    marker = workdir / f"wrk-{mode}.through"
    marker.unlink(missing_ok=True)
    command.append(str(marker))
    # wrk runs for its whole duration; once every thread is through (register.lua
    # writes a line each), SIGINT makes it stop and report at once.
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as wrk:
        deadline = time.monotonic() + args.max_seconds + 30
        while wrk.poll() is None and time.monotonic() < deadline:
            if marker.exists() and len(marker.read_text().split()) >= threads:
                wrk.send_signal(signal.SIGINT)
                break
            time.sleep(0.01)
        stdout, stderr = wrk.communicate(timeout=60)
    if wrk.returncode != 0 or not stdout.strip():
        raise RuntimeError(f"wrk failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def wrk_figures(run, db, cpu, *, created):
    """Figures of a wrk rush, shaped like http_figures()."""
    statuses = {key: count for key, count in run["statuses"].items()}
    made = statuses.pop(created, 0)
    pages = statuses.pop("200", 0) if created == "302" else None
    rejected = statuses.pop("409", 0)
    errors = sum(statuses.values()) + run["socket_errors"]
    seconds = run["seconds"]
    side = {
        "attempts": run["posts"],
        "confirmed": db["confirmed"],
        "waitlisted": db["waitlisted"],
        "overbooked": db["overbooked"],
        "errors": errors,
        "requests_per_second": round(made / seconds, 1) if seconds else None,
        "p50_ms": run["p50_ms"],
        "p99_ms": run["p99_ms"],
        "seconds": round(seconds, 2),
        "duplicates": db["duplicates"],
        "waitlist_in_arrival_order": db["waitlist_in_arrival_order"],
        "rejected_409": rejected,
        # Answered as made but not in the database (must be 0); the database may
        # hold a few more: requests in flight when wrk stopped.
        "lost": max(0, made - db["registrations"]),
        "answered_after_stop": max(0, db["registrations"] - made),
        "error_statuses": statuses,
        "server_cpu_ms_per_registration": (
            round(cpu * 1000 / made, 2) if made else None
        ),
    }
    if pages is not None:
        side["pages_after"] = pages
    return side


def fair(side):
    """Latency fairness: p99 at most 3 x p50."""
    return bool(side["p50_ms"]) and side["p99_ms"] <= 3 * side["p50_ms"]


def run_peer(args):
    """The peer's rush (registration/pretix_rush.sh with the shared folder's
    event set-up and load generator), or why it could not run."""
    script = HELPERS / "pretix_rush.sh"
    for needed in ("pretix_setup.py", "rush.py"):
        if not (args.peer_dir / needed).exists():
            return {"peer": "pretix", "ran": False, "why": f"{needed} not found"}
    env = dict(os.environ)
    env.update(
        PEER_SHARED=str(args.peer_dir.resolve()),
        PEER_DIR=str(args.peer_venv_dir),
        PEER_PORT=str(args.peer_port),
        PEER_DB=args.peer_database,
        PEER_REDIS=str(args.peer_redis_db),
    )
    try:
        done = subprocess.run(
            [
                "bash",
                str(script),
                str(args.capacity),
                str(args.attempts),
                str(args.clients),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=args.max_seconds + args.peer_seconds,
        )
    except subprocess.TimeoutExpired:
        return {
            "peer": "pretix",
            "ran": False,
            "why": f"timed out after {args.max_seconds + args.peer_seconds:.0f} s "
            f"(see {args.peer_venv_dir}/migrate.log)",
        }
    objects = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                objects.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    rush = next((o for o in objects if "rps" in o), None)
    if done.returncode != 0 or rush is None:
        return {
            "peer": "pretix",
            "ran": False,
            "why": "pretix could not be installed or run here (it is installed "
            "from PyPI into a virtual environment on first use): "
            + (done.stderr or done.stdout)[-600:],
        }
    sold = next((o for o in objects if "sold" in o), {})
    return {"peer": "pretix", "ran": True, **rush, **sold}


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)) - 1, 0)
    return round(ordered[rank] * 1000, 1)


def figures(run, db, errors, extra):
    """The figures of one rush: outcomes counted in the database, speed measured
    by the client (answered attempts per second of the whole rush)."""
    latencies, seconds = run["latencies"], run["seconds"]
    return {
        "attempts": run["attempts"],
        "confirmed": db["confirmed"],
        "waitlisted": db["waitlisted"],
        "overbooked": db["overbooked"],
        "errors": errors,
        "requests_per_second": round(len(latencies) / seconds, 1) if seconds else None,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "seconds": round(seconds, 2),
        "duplicates": db["duplicates"],
        "waitlist_in_arrival_order": db["waitlist_in_arrival_order"],
        **extra,
    }


def http_figures(load, db):
    statuses = dict(load["statuses"])
    created = statuses.pop("201", 0)
    rejected = statuses.pop("409", 0)
    statuses = {key: count for key, count in statuses.items() if count}
    # Anything else is an error: 5xx (503 included), other 4xx, time-outs, unsent.
    return figures(
        load,
        db,
        sum(statuses.values()),
        {
            "rejected_409": rejected,
            "lost": created - db["registrations"],
            "error_statuses": statuses,
            "failures": load["failures"][:5],
        },
    )


def raw_figures(raw, db):
    outcomes = dict(raw["outcomes"])
    written = outcomes.pop("confirmed", 0) + outcomes.pop("waitlisted", 0)
    rejected = sum(outcomes.pop(key, 0) for key in ("closed", "already", "full"))
    # 64 connections queue on one row lock; one that waits longer than the lock
    # time-out is what a person would be asked to retry, reported but not an error.
    try_again = outcomes.pop("try_again", 0)
    outcomes = {key: count for key, count in outcomes.items() if count}
    return figures(
        raw,
        db,
        sum(outcomes.values()),
        {
            "rejected": rejected,
            "try_again": try_again,
            "lost": written - db["registrations"],
            "error_outcomes": outcomes,
            "failures": raw["failures"][:5],
        },
    )


def passed(side):
    return (
        side["overbooked"] == 0
        and side["errors"] == 0
        and side["lost"] == 0
        and side["duplicates"] == 0
        and side["waitlist_in_arrival_order"]
    )


def bench(args, workdir):
    load_at_start = os.getloadavg()
    env = server_env(args, workdir)
    dsn = env["DATABASE_URL"]
    recreate_database(args.postgres_url, args.database)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=args.setup_seconds,
    )
    # The web form's pages need the static files' manifest.
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=args.setup_seconds,
    )
    people_file = workdir / "people.json"
    # Spare people for the requests wrk has in flight when it stops.
    spare = args.clients * 2
    seeded = run_json(
        [
            PYTHON,
            HELPERS / "seed.py",
            f"--people={args.attempts + spare}",
            f"--capacity={args.capacity}",
            f"--out={people_file}",
        ],
        env,
        timeout=args.setup_seconds,
    )

    schema_file = workdir / "schema.json"
    schema_file.write_text(json.dumps(seeded["schema"]))
    people = json.loads(people_file.read_text())

    server = None
    form = None
    try:
        server, base = start_server(args, env, args.port or free_port(), workdir)
        token = people[0]["token"]
        warm_up(base, seeded["http_cohort"], token, args.workers * args.threads)
        pids = server_pids(server)
        api_url = f"{base}{REGISTER_PATH.format(pk=seeded['http_cohort'])}"
        before = cpu_seconds(pids)
        if args.load == "wrk":
            load = run_wrk(
                args, api_url, [p["token"] for p in people], "api", None, workdir
            )
        else:
            load = run_json(
                [
                    PYTHON,
                    HELPERS / "load.py",
                    f"--url={api_url}",
                    f"--people={people_file}",
                    f"--attempts={args.attempts}",
                    f"--concurrency={args.clients}",
                    f"--timeout={args.timeout}",
                    f"--max-seconds={args.max_seconds}",
                ],
                env,
                timeout=args.max_seconds + 120,
            )
        api_cpu = cpu_seconds(pids) - before
        if args.load == "wrk":
            before = cpu_seconds(pids)
            form = run_wrk(
                args,
                f"{base}{seeded['form_path']}",
                [f"{p['session']} {p['csrf']}" for p in people],
                "form",
                seeded["form_page"],
                workdir,
            )
            form_cpu = cpu_seconds(pids) - before
    finally:
        stop_server(server)

    raw = run_json(
        [
            PYTHON,
            HELPERS / "baseline.py",
            f"--dsn={dsn}",
            f"--cohort={seeded['raw_cohort']}",
            f"--people={people_file}",
            f"--schema={schema_file}",
            f"--attempts={args.attempts}",
            f"--concurrency={args.clients}",
            f"--max-seconds={args.max_seconds}",
        ],
        env,
        timeout=args.max_seconds + 120,
    )
    counted = run_json(
        [
            PYTHON,
            HELPERS / "verify.py",
            str(seeded["http_cohort"]),
            str(seeded["raw_cohort"]),
            str(seeded["form_cohort"]),
        ],
        env,
        timeout=120,
    )
    if args.load == "wrk":
        http = wrk_figures(
            load, counted[str(seeded["http_cohort"])], api_cpu, created="201"
        )
    else:
        http = http_figures(load, counted[str(seeded["http_cohort"])])
        http["server_cpu_ms_per_registration"] = round(
            api_cpu * 1000 / max(load["attempts"], 1), 2
        )
    baseline = raw_figures(raw, counted[str(seeded["raw_cohort"])])
    raw_rps = baseline["requests_per_second"]

    def ratio(side):
        rps = side and side["requests_per_second"]
        return round(rps / raw_rps, 3) if rps and raw_rps else None

    result = {
        "command": " ".join(["benchmarks/bench_registration.py", *sys.argv[1:]]),
        "attempts": args.attempts,
        "clients": args.clients,
        "capacity": args.capacity,
        "load_generator": args.load,
        "server": (
            f"gunicorn {args.workers} workers x {args.threads} threads, "
            f"CONN_MAX_AGE={args.conn_max_age}"
        ),
        **{key: http[key] for key in ("confirmed", "waitlisted", "overbooked")},
        "errors": http["errors"],
        "requests_per_second": http["requests_per_second"],
        "p50_ms": http["p50_ms"],
        "p99_ms": http["p99_ms"],
        "server_cpu_ms_per_registration": http["server_cpu_ms_per_registration"],
        "http": http,
        "raw_psycopg": baseline,
        "ratio_http_to_raw_rps": ratio(http),
    }
    sides = [http, baseline]
    if form is not None:
        form_side = wrk_figures(
            form, counted[str(seeded["form_cohort"])], form_cpu, created="302"
        )
        result["web_form"] = form_side
        result["ratio_web_form_to_raw_rps"] = ratio(form_side)
        sides.append(form_side)
    else:
        result["web_form"] = "not measured: the web form needs --load wrk"
    result["targets"] = {
        "cpu_ms_at_most_10": all(
            (side.get("server_cpu_ms_per_registration") or 99) <= 10
            for side in sides[:1] + sides[2:]
        ),
        "ratio_at_least_0_4": all(
            (ratio(side) or 0) >= 0.4 for side in sides[:1] + sides[2:]
        ),
        "p99_at_most_3_p50": all(fair(side) for side in sides[:1] + sides[2:]),
    }
    if args.profile:
        result["profile"] = run_json(
            [
                PYTHON,
                HELPERS / "profile_register.py",
                f"--registrations={args.profile}",
            ],
            env,
            timeout=600,
        )
    if args.peer:
        peer = run_peer(args)
        result["peer"] = peer
        if peer.get("ran") and peer.get("rps"):
            result["ratio_tillit_api_to_peer_rps"] = round(
                http["requests_per_second"] / peer["rps"], 2
            )
    result["machine"] = {
        "cpus": os.cpu_count(),
        # (1, 5, 15 minutes), as `uptime` shows it: other work on the machine.
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    result["ok"] = all(passed(side) for side in sides)
    return result


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tillit-bench-") as tmp:
        try:
            result = bench(args, Path(tmp))
        finally:
            if not args.keep_database:
                recreate_database(args.postgres_url, args.database, create=False)
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
