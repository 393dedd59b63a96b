"""Where a registration's CPU time goes: N registrations through the whole
Django stack in one process (django.test.Client: middleware, API key, view,
service, serializer, and the receipt recorded in the outbox after commit),
under cProfile. Prints one JSON object: CPU ms per registration,
and the profile's own time grouped by where the code lives.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tillit_bench \\
        .venv/bin/python benchmarks/registration/profile_register.py --registrations 200

Run by bench_registration.py --profile on its database once the rushes are over;
it adds a programme, a cohort and people of its own. Run it from another
checkout (PYTHONPATH=that checkout) to profile that code: the "before" of
benchmarks/README.md was measured so.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(os.environ.get("TILLIT_ROOT", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import get_digest_token  # noqa: E402
from knox.settings import CONSTANTS  # noqa: E402
from profiling import open_cohort, shares_by_area  # noqa: E402

from tillit.accounts.models import ApiToken  # noqa: E402
from tillit.core.models import Person  # noqa: E402

#: Where code lives, by path fragment, first match wins.
AREAS = [
    ("psycopg (driver, waiting for PostgreSQL)", "/psycopg/"),
    ("Django ORM (query building, model instances)", "/django/db/"),
    ("Django templates", "/django/template/"),
    ("Django REST framework", "/rest_framework/"),
    ("knox (API key)", "/knox/"),
    ("Django (middleware, request, rest)", "/django/"),
    ("Tillit notifications (mail recorded in the outbox)", "/tillit/notifications/"),
    ("Tillit registrations", "/tillit/registrations/"),
    ("Tillit (other)", "/tillit/"),
    ("other libraries", "/site-packages/"),
]


def seed(count):
    stamp = int(time.time() * 1000)
    now = timezone.now()
    organiser, cohort = open_cohort("profilering")
    people = Person.objects.bulk_create(
        Person(
            email=f"profil{stamp}-{n:05d}@example.org",
            first_name="Deltagare",
            last_name=f"{n:05d}",
            organisation=organiser,
            password="!",
        )
        for n in range(count)
    )
    tokens = [get_digest_token() for _person in people]  # (digest, key)
    ApiToken.objects.bulk_create(
        ApiToken(
            user=person,
            digest=digest,
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            name="Profil",
            last_used_at=now,
        )
        for person, (digest, key) in zip(people, tokens, strict=True)
    )
    keys = [key for _digest, key in tokens]
    return cohort, keys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    cohort, keys = seed(args.registrations)
    url = f"/api/v1/cohorts/{cohort.pk}/register/"
    client = Client(HTTP_HOST="127.0.0.1")
    client.post(url, HTTP_AUTHORIZATION=f"Token {keys.pop()}")  # warm
    # Half without the profiler (its CPU time and statements are the figures),
    # half under it (where the time goes; the profiler slows Python down).
    plain, profiled = keys[: len(keys) // 2], keys[len(keys) // 2 :]
    statuses = Counter()
    started = time.process_time()
    for key in plain:
        answer = client.post(url, HTTP_AUTHORIZATION=f"Token {key}")
        statuses[answer.status_code] += 1
    cpu = time.process_time() - started
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for key in profiled:
        statuses[client.post(url, HTTP_AUTHORIZATION=f"Token {key}").status_code] += 1
    profile.disable()
    stats = pstats.Stats(profile)
    shares = shares_by_area(stats, AREAS)
    # Tillit's own functions by the time spent in them and what they call.
    top = sorted(
        (item for item in stats.stats.items() if "/tillit/" in item[0][0]),
        key=lambda item: item[1][3],
        reverse=True,
    )
    n = len(plain)
    print(
        json.dumps(
            {
                "registrations": n,
                "statuses": dict(statuses),
                "cpu_ms_per_registration": round(cpu * 1000 / n, 2),
                "share_of_cpu_time_by_area": shares,
                "top_cumulative": [
                    f"{Path(filename).name}:{line} {name}: "
                    f"{cumulative * 1000 / len(profiled):.2f} ms"
                    for (filename, line, name), (*_, cumulative, _c) in top[: args.top]
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
