"""`make bench-pages`: the most-used pages on the demo and on a large installation.

1. Builds, once, two PostgreSQL databases beside PG_URL's `<db>`:
   `<db>_scale_demo` holds the demo (`migrate` + `loaddemo`); `<db>_scale`
   starts as a copy of it and gets the
   large installation of benchmarks/scale_data.py (50,000 people, 2,000 cohorts,
   100,000 registrations, five years of evaluations, ...). Both are reused
   while their marker rows are there; `--rebuild` makes them again.
2. Measures every page in a separate process per database with production
   settings (DEBUG off, the collected static files): one request that counts
   the queries, then `--repeat` timed requests; the databases in turn,
   `--rounds` times, and the lowest of each page's medians is reported.
3. Starts two gunicorn instances on the large database and sends one signed-in
   person's requests to them in turn (round-robin from the client, no proxy):
   the session made by signing in on the first is honoured by the second, and
   signing out through the second signs the person out of the first.

Prints one JSON object: per page the median milliseconds and query count on
both databases, the ratio large/demo (target at most 1.5), and the
two-instance check.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_RATIO = 1.5
DEMO_PASSWORD = "tillit-demo-2026"

# (name, who is signed in, URL with {placeholders} from scale_data.targets()).
PAGES = [
    ("catalogue", None, "/"),
    ("catalogue, search", None, "/?q=ledarskap"),
    ("catalogue, filters", None, "/?format=blended&format=digital&sector=municipal"),
    ("catalogue, page 2", None, "/?page=2"),
    ("programme page", None, "/programmes/{large_programme_slug}/"),
    ("cohort page", "deltagare.kommun@example.org", "/cohorts/{large_cohort}/"),
    ("Min utbildning", "deltagare.stat@example.org", "/home/"),
    ("Mina program", "deltagare.stat@example.org", "/my-programmes/"),
    ("organiser home", "arrangor.adda@example.org", "/organiser/"),
    (
        "organiser programme",
        "arrangor.adda@example.org",
        "/organiser/programmes/{large_programme}/",
    ),
    (
        "organiser cohort and registrations",
        "arrangor.adda@example.org",
        "/organiser/cohorts/{large_cohort}/",
    ),
    (
        "HR dashboard",
        "hr.linkoping@example.org",
        "/rollouts/organisations/{hr_organisation}/dashboard/",
    ),
    ("employer home", "hr.linkoping@example.org", "/employer/"),
    ("evaluations overview", "arrangor.esv@example.org", "/evaluations/"),
    (
        "evaluation results, programme",
        "arrangor.esv@example.org",
        "/evaluations/programmes/{esv_programme}/results/",
    ),
    ("API programmes", None, "/api/v1/programmes/"),
    ("API cohorts", None, "/api/v1/cohorts/"),
    ("API my registrations", "deltagare.stat@example.org", "/api/v1/me/registrations/"),
    (
        "API organiser cohorts",
        "arrangor.adda@example.org",
        "/api/v1/organiser/programmes/{large_programme}/cohorts/",
    ),
    (
        "API organiser registrations",
        "arrangor.adda@example.org",
        "/api/v1/organiser/cohorts/{large_cohort}/registrations/",
    ),
]
# The large cohort's files: time, queries and bytes (they grow with the cohort
# by nature; what must not grow is the memory they take, see the tests).
DOWNLOADS = [
    ("calendar .ics", None, "/cohorts/{large_cohort}/calendar.ics"),
    (
        "export .csv",
        "arrangor.adda@example.org",
        "/organiser/cohorts/{large_cohort}/export.csv",
    ),
    (
        "export .xlsx",
        "arrangor.adda@example.org",
        "/organiser/cohorts/{large_cohort}/export.xlsx",
    ),
]


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(base):
    import psycopg

    return psycopg.connect(database_url(base, "postgres"), autocommit=True)


def database_exists(base, name):
    with admin_connection(base) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def has_marker(base, name, table):
    if not database_exists(base, name):
        return False
    import psycopg

    with psycopg.connect(database_url(base, name)) as conn:
        found = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()
        if not found[0]:
            return False
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0


def recreate(base, name, template=None):
    from psycopg import sql

    with admin_connection(base) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        conn.execute(query)


def django_env(url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=url,
        EMAIL_URL="dummymail://",
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def run(args, env, log):
    started = time.monotonic()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    log(f"{' '.join(map(str, args[1:3]))}: {time.monotonic() - started:.0f} s")
    return done.stdout


def ensure_databases(args, log):
    """Build what is missing; return the seconds spent building each."""
    built = {}
    demo_url = database_url(args.postgres_url, args.demo_db)
    if args.rebuild or not has_marker(
        args.postgres_url, args.demo_db, "bench_demo_info"
    ):
        log(f"building the demo in {args.demo_db}")
        started = time.monotonic()
        recreate(args.postgres_url, args.demo_db)
        env = django_env(demo_url, DEBUG="1")
        run([PYTHON, "manage.py", "migrate", "--noinput"], env, log)
        run([PYTHON, "manage.py", "loaddemo"], env, log)
        import psycopg

        with psycopg.connect(demo_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_demo_info (built_at timestamptz)")
            conn.execute("INSERT INTO bench_demo_info VALUES (now())")
            conn.execute("ANALYZE")
        built["demo_seconds"] = round(time.monotonic() - started, 1)
        args.rebuild = True  # the large one copies the demo
    if args.rebuild or not has_marker(
        args.postgres_url, args.large_db, "bench_scale_info"
    ):
        log(f"building the large installation in {args.large_db}")
        started = time.monotonic()
        recreate(args.postgres_url, args.large_db, template=args.demo_db)
        large_url = database_url(args.postgres_url, args.large_db)
        out = run(
            [PYTHON, "benchmarks/scale_data.py"], django_env(large_url, DEBUG="1"), log
        )
        built["large_seconds"] = round(time.monotonic() - started, 1)
        built["large_rows"] = json.loads(out.strip().splitlines()[-1]).get("rows")
    return built


def tune(base, names, random_page_cost):
    """Set the planner's random_page_cost on the databases (as production
    should, see the README's production section): the default of 4 assumes
    spinning disks and makes PostgreSQL scan 50,000 people rather than look
    up the 2,000 of one cohort by index. Each connection made after reads it."""
    from psycopg import sql

    with admin_connection(base) as conn:
        for name in names:
            setting = (
                sql.SQL("SET random_page_cost = {}").format(
                    sql.Literal(random_page_cost)
                )
                if random_page_cost
                else sql.SQL("RESET random_page_cost")
            )
            conn.execute(
                sql.SQL("ALTER DATABASE {} ").format(sql.Identifier(name)) + setting
            )


def production_env(url, static_root):
    return django_env(
        url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
    )


def collect_static(static_root, url, log):
    if (static_root / "staticfiles.json").exists():
        return
    env = production_env(url, static_root)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env, log)


# In the measuring child process ------------------------------------------------


def measure(repeat, only=()):
    """Every page (or those named in `only`) on the database of DATABASE_URL,
    as JSON on stdout."""
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from django.db import connection
    from django.test import Client
    from scale_data import targets

    from tillit.core.models import Person

    spots = targets()
    clients = {}

    def client_for(email):
        if email not in clients:
            client = Client()
            if email:
                client.force_login(Person.objects.get(email=email))
            clients[email] = client
        return clients[email]

    result = {}
    for kind, pages in (("pages", PAGES), ("downloads", DOWNLOADS)):
        for name, email, pattern in pages:
            if only and name not in only:
                continue
            url = pattern.format(**spots)
            client = client_for(email)
            queries = []
            with connection.execute_wrapper(_counting(queries)):
                response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {url} gave {response.status_code}")
            times, cpu = [], []
            for _ in range(repeat):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                if response.streaming:
                    b"".join(response)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            result[name] = {
                "kind": kind,
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                # This process's CPU (the database's is not in it): on a
                # machine shared with other work, steadier than the clock.
                "median_cpu_ms": round(statistics.median(cpu), 1),
                "queries": len(queries),
                "bytes": len(body),
            }
    print(json.dumps(result))


def _counting(queries):
    """A database execute wrapper that notes every query (DEBUG stays off)."""

    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


# Two gunicorn instances, round-robin from the client ---------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, log_path):
    with log_path.open("ab") as output:
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=2",
                "--log-level=warning",
                f"--error-logfile={log_path}",
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    return server


def wait_for(http, base, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            http.get(f"{base}/api/v1/programmes/", timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def two_instances(args, static_root, spots, workdir):
    """Sign in on instance A, then ask both in turn with the same cookies."""
    import httpx

    env = production_env(database_url(args.postgres_url, args.large_db), static_root)
    ports = [free_port(), free_port()]
    servers = []
    try:
        for n, port in enumerate(ports):
            log_path = workdir / f"gunicorn-{n}.log"
            servers.append((start_gunicorn(env, port, log_path), log_path))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        with httpx.Client(timeout=60, follow_redirects=False) as http:
            for (server, log_path), base in zip(servers, bases, strict=True):
                wait_for(http, base, server, log_path)
            http.get(f"{bases[0]}/login/")
            answer = http.post(
                f"{bases[0]}/login/",
                data={
                    "login": "arrangor.adda@example.org",
                    "password": DEMO_PASSWORD,
                    "csrfmiddlewaretoken": http.cookies.get("csrftoken", ""),
                },
                headers={"Referer": f"{bases[0]}/login/"},
            )
            signed_in = answer.status_code == 302 and "sessionid" in http.cookies
            urls = [
                "/organiser/",
                f"/organiser/cohorts/{spots['large_cohort']}/",
                f"/organiser/programmes/{spots['large_programme']}/",
                "/",
            ]
            times, served, failures = [], [0, 0], []
            for i in range(args.round_robin):
                which = i % 2
                url = urls[i % len(urls)]
                started = time.perf_counter()
                response = http.get(bases[which] + url)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code == 200:
                    served[which] += 1
                else:
                    failures.append(f"{which}:{url}:{response.status_code}")
            # Signing out through the second ends the session on the first too.
            http.post(
                f"{bases[1]}/logout/",
                data={"csrfmiddlewaretoken": http.cookies.get("csrftoken", "")},
                headers={"Referer": f"{bases[1]}/"},
            )
            after = http.get(f"{bases[0]}/organiser/")
            signed_out = after.status_code == 302 and "/login/" in after.headers.get(
                "location", ""
            )
        return {
            "instances": 2,
            "signed_in_on_first": signed_in,
            "requests": args.round_robin,
            "answered_200_per_instance": served,
            "failures": failures[:10],
            "median_ms": round(statistics.median(times), 1) if times else None,
            "signed_out_on_second_is_signed_out_on_first": signed_out,
        }
    finally:
        for server, _log in servers:
            server.terminate()
        for server, _log in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/tillit"),
        help="any database on the server; the benchmark's own are beside it",
    )
    parser.add_argument(
        "--demo-db", help="the demo's database (default: <PG_URL's db>_scale_demo)"
    )
    parser.add_argument(
        "--large-db", help="the large installation's (default: <PG_URL's db>_scale)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build both again")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests a page")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="times both databases are measured in turn (lowest median kept)",
    )
    parser.add_argument(
        "--round-robin",
        type=int,
        default=40,
        help="requests over two gunicorn instances (0: skip)",
    )
    parser.add_argument(
        "--code-root",
        type=Path,
        default=ROOT,
        help="measure the pages of another checkout (e.g. before a change)",
    )
    parser.add_argument(
        "--random-page-cost",
        type=float,
        default=1.1,
        help="PostgreSQL's planner setting on both databases (0: its default, 4)",
    )
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        dest="only",
        help="measure only this page (its name in PAGES or DOWNLOADS; repeatable)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Named after PG_URL's database, so that two checkouts measuring on one
    # server (PG_URL=.../tillit_a, .../tillit_b) never drop each other's.
    base_name = urlsplit(args.postgres_url).path.strip("/") or "tillit"
    args.demo_db = args.demo_db or f"{base_name}_scale_demo"
    args.large_db = args.large_db or f"{base_name}_scale"
    if args.measure:
        measure(args.repeat, args.only)
        return

    def log(message):
        print(message, file=sys.stderr, flush=True)

    built = ensure_databases(args, log)
    tune(args.postgres_url, [args.demo_db, args.large_db], args.random_page_cost)
    static_root = Path(tempfile.gettempdir()) / f"tillit-bench-pages-static-{base_name}"
    demo_url = database_url(args.postgres_url, args.demo_db)
    large_url = database_url(args.postgres_url, args.large_db)
    collect_static(static_root, demo_url, log)
    measured = {}
    # Demo and large in turn, `--rounds` times; each page keeps its lowest
    # median per database, so a burst of load on a shared machine during one
    # database's turn does not decide the ratio.
    for round_number in range(1, args.rounds + 1):
        for label, url in (("demo", demo_url), ("large", large_url)):
            log(f"measuring on {label}, round {round_number}")
            env = production_env(url, static_root)
            env["PYTHONPATH"] = str(args.code_root.resolve())
            pages = [arg for name in args.only for arg in ("--page", name)]
            out = run(
                [PYTHON, __file__, "--measure", "--repeat", str(args.repeat), *pages],
                env,
                log,
            )
            result = json.loads(out.strip().splitlines()[-1])
            for name, page in result.items():
                kept = measured.setdefault(label, {}).setdefault(name, page)
                kept.setdefault("round_medians_ms", []).append(page["median_ms"])
                kept["median_ms"] = min(kept["round_medians_ms"])
                kept.setdefault("round_cpu_ms", []).append(page["median_cpu_ms"])
                kept["median_cpu_ms"] = min(kept["round_cpu_ms"])
    pages = {}
    for name, demo in measured["demo"].items():
        large = measured["large"][name]
        pages[name] = {
            "url": large["url"],
            "demo_ms": demo["median_ms"],
            "large_ms": large["median_ms"],
            "demo_round_ms": demo["round_medians_ms"],
            "large_round_ms": large["round_medians_ms"],
            "ratio": round(large["median_ms"] / max(demo["median_ms"], 0.1), 2),
            "demo_cpu_ms": demo["median_cpu_ms"],
            "large_cpu_ms": large["median_cpu_ms"],
            "cpu_ratio": round(
                large["median_cpu_ms"] / max(demo["median_cpu_ms"], 0.1), 2
            ),
            "demo_queries": demo["queries"],
            "large_queries": large["queries"],
        }
        # What each database's page shows: a full page of the large one is
        # often several times the demo's few rows.
        pages[name]["demo_bytes"], pages[name]["large_bytes"] = (
            demo["bytes"],
            large["bytes"],
        )
    page_rows = [p for n, p in pages.items() if measured["demo"][n]["kind"] == "pages"]
    report = {
        "benchmark": "pages at scale",
        "machine": f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end",
        "repeat": args.repeat,
        "rounds": args.rounds,
        "code": str(args.code_root.resolve()),
        "target_ratio": TARGET_RATIO,
        "random_page_cost": args.random_page_cost or "default",
        **built,
        "pages": pages,
        "pages_within_target": sum(p["ratio"] <= TARGET_RATIO for p in page_rows),
        "pages_measured": len(page_rows),
        "pages_with_more_queries_on_large": [
            n
            for n, p in pages.items()
            if p["large_queries"] > p["demo_queries"]
            and measured["demo"][n]["kind"] == "pages"
        ],
    }
    if args.round_robin and not args.only:
        spots = _targets_from(measured["large"])
        with tempfile.TemporaryDirectory() as workdir:
            report["two_instances"] = two_instances(
                args, static_root, spots, Path(workdir)
            )
    print(json.dumps(report, indent=2, ensure_ascii=False))


def _targets_from(measured):
    """The large cohort and programme keys, read back from the measured URLs."""
    cohort = measured["organiser cohort and registrations"]["url"].strip("/")
    programme = measured["organiser programme"]["url"].strip("/")
    return {
        "large_cohort": cohort.rsplit("/", 1)[-1],
        "large_programme": programme.rsplit("/", 1)[-1],
    }


if __name__ == "__main__":
    main()
