"""What the cohort page costs after the web form's redirect: N GETs of one
cohort's page by a signed-in participant with a confirmed seat, through the
whole Django stack in one process (django.test.Client: middleware, session,
view, template, context processors), then the same under cProfile. Prints one
JSON object: CPU ms per GET (median of the repeats, without the profiler),
statements per GET, and where the profiled time goes.

    DEBUG=0 .venv/bin/python benchmarks/registration/profile_cohort_page.py \\
        --gets 100 --repeats 5

Works on the demo database (SQLite, `manage.py loaddemo`) or PostgreSQL
(DATABASE_URL); it adds a programme, a cohort with sessions and a person of
its own. Run it from another checkout (PYTHONPATH=that checkout,
TILLIT_ROOT=that checkout) to profile that code.
"""

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(os.environ.get("TILLIT_ROOT", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from profiling import open_cohort, shares_by_area  # noqa: E402

from tillit.core.models import Person  # noqa: E402
from tillit.programmes.models import Session  # noqa: E402
from tillit.registrations.models import Registration  # noqa: E402

#: Where code lives, by path fragment, first match wins.
AREAS = [
    ("psycopg / sqlite3 (driver)", "/psycopg/"),
    ("Django ORM", "/django/db/"),
    ("Django templates", "/django/template/"),
    ("Django translation", "/django/utils/translation/"),
    ("Django (middleware, request, rest)", "/django/"),
    ("Tillit", "/tillit/"),
    ("other libraries", "/site-packages/"),
]


def seed(sessions):
    stamp = int(time.time() * 1000)
    now = timezone.now()
    organiser, cohort = open_cohort("profilering-sida")
    start = now + dt.timedelta(days=30)
    for n in range(sessions):
        Session.objects.create(
            cohort=cohort,
            title=f"Träff {n + 1}",
            starts_at=start + dt.timedelta(days=7 * n),
            ends_at=start + dt.timedelta(days=7 * n, hours=3),
            location="Stockholm",
        )
    person = Person.objects.create(
        email=f"profilsida{stamp}@example.org",
        first_name="Deltagare",
        last_name="Profil",
        organisation=organiser,
    )
    Registration.objects.create(
        person=person, cohort=cohort, status=Registration.Status.CONFIRMED
    )
    return cohort, person


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gets", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    cohort, person = seed(args.sessions)
    url = cohort.get_absolute_url()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    client.cookies["django_language"] = "sv"
    statuses = Counter()
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
    ):
        statuses[client.get(url).status_code] += 1  # warm, and its statements
    if os.environ.get("SHOW_STATEMENTS"):
        print("\n".join(sql[:300] for sql in statements), file=sys.stderr)
    runs = []
    for _repeat in range(args.repeats):
        started = time.process_time()
        for _n in range(args.gets):
            statuses[client.get(url).status_code] += 1
        runs.append((time.process_time() - started) * 1000 / args.gets)
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _n in range(args.gets):
        statuses[client.get(url).status_code] += 1
    profile.disable()
    stats = pstats.Stats(profile)
    shares = shares_by_area(stats, AREAS)
    # Below the view: what the page itself costs, by cumulative and own time.
    top = sorted(
        (
            item
            for item in stats.stats.items()
            if "/middleware" not in item[0][0] and "/test/client" not in item[0][0]
        ),
        key=lambda item: item[1][3],
        reverse=True,
    )
    own = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    print(
        json.dumps(
            {
                "gets": args.gets,
                "statuses": dict(statuses),
                "statements_per_get": len(statements),
                "cpu_ms_per_get_runs": [round(run, 2) for run in runs],
                "cpu_ms_per_get_median": round(statistics.median(runs), 2),
                "share_of_cpu_time_by_area": shares,
                "top_cumulative": [
                    f"{Path(filename).name}:{line} {name}: "
                    f"{cumulative * 1000 / args.gets:.2f} ms"
                    for (filename, line, name), (*_, cumulative, _c) in top[: args.top]
                ],
                "top_own": [
                    f"{Path(filename).name}:{line} {name}: "
                    f"{own_time * 1000 / args.gets:.2f} ms"
                    f" ({calls / args.gets:.0f} calls)"
                    for (filename, line, name), (_cc, calls, own_time, *_) in own[
                        : args.top
                    ]
                ],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
