"""Fill the benchmark database: one programme, a cohort for the HTTP rush, a twin
cohort for the raw baseline, and fictional people with API tokens.

Run by bench_registration.py with DATABASE_URL pointing at the benchmark database;
prints one JSON object (cohort ids, the tokens file) on stdout.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from knox.models import get_digest_token  # noqa: E402
from knox.settings import CONSTANTS  # noqa: E402

from tillit.accounts.middleware import LAST_SEEN  # noqa: E402
from tillit.accounts.models import ApiToken  # noqa: E402
from tillit.core.models import Organisation, Person  # noqa: E402
from tillit.programmes.models import Cohort, Programme  # noqa: E402
from tillit.registrations.models import Registration, RegistrationEvent  # noqa: E402

# Columns the raw baseline writes itself; every other column gets its default.
WRITTEN = {
    Registration: {"cohort", "person", "status", "created_at", "confirmed_at"},
    RegistrationEvent: {"registration", "action", "actor", "at"},
}


def open_cohort(programme, name, capacity):
    now = timezone.now()
    return Cohort.objects.create(
        programme=programme,
        name=name,
        starts_on=timezone.localdate() + dt.timedelta(days=30),
        ends_on=timezone.localdate() + dt.timedelta(days=100),
        capacity=capacity,
        registration_opens_at=now - dt.timedelta(hours=1),
        registration_closes_at=now + dt.timedelta(days=7),
        waitlist_enabled=True,
    )


@transaction.atomic
def seed(people, capacity):
    organiser = Organisation.objects.create(
        name="Benchmarkmyndigheten", kind="agency", sector="state"
    )
    employer = Organisation.objects.create(
        name="Exempelkommun", kind="municipality", sector="municipal"
    )
    programme = Programme.objects.create(
        organiser=organiser,
        title="Strategisk verksamhetsstyrning (rusning)",
        slug="strategisk-verksamhetsstyrning-rusning",
        summary="Programutbildning för mellanchefer, fiktiv för prestandamätning.",
    )
    http_cohort = open_cohort(programme, "Omgång HTTP", capacity)
    raw_cohort = open_cohort(programme, "Omgång psycopg", capacity)
    # The web form's rush: a programme of its own, so the same people may
    # register (a person takes one cohort of a programme at a time).
    form_programme = Programme.objects.create(
        organiser=organiser,
        title="Strategisk verksamhetsstyrning (formulär)",
        slug="strategisk-verksamhetsstyrning-formular",
        summary="Programutbildning för mellanchefer, fiktiv för prestandamätning.",
    )
    form_cohort = open_cohort(form_programme, "Omgång formulär", capacity)

    # One hash for everybody: hashing 2,000 passwords would take minutes.
    password = make_password("bench-not-a-real-password")
    Person.objects.bulk_create(
        Person(
            email=f"rusning{n:05d}@example.org",
            first_name="Deltagare",
            last_name=f"{n:05d}",
            organisation=employer,
            password=password,
        )
        for n in range(people)
    )
    person_ids = list(
        Person.objects.filter(email__startswith="rusning")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    tokens = {pk: get_digest_token() for pk in person_ids}  # (digest, key)
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=pk,
            digest=digest,
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            name="Benchmark",
        )
        for pk, (digest, key) in tokens.items()
    )
    tokens = {pk: key for pk, (_digest, key) in tokens.items()}
    return (
        http_cohort,
        raw_cohort,
        form_cohort,
        [(pk, tokens[pk]) for pk in person_ids],
    )


def signed_in(person_ids):
    """A session (as after signing in and opening the cohort page a moment ago)
    and a CSRF secret for each person: what their browser sends with the form."""
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    people = Person.objects.filter(pk__in=person_ids).order_by("pk")
    browsers = {}
    now = int(time.time())
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session[LAST_SEEN] = now
        session.create()
        browsers[person.pk] = (session.session_key, get_random_string(32))
    return browsers


def insert_schema(model):
    """Table, and the default of each column the baseline does not write, as the
    database stores it: the raw INSERT stays valid when the model grows."""
    defaults = {
        field.column: field.get_db_prep_save(field.get_default(), connection)
        for field in model._meta.local_concrete_fields
        if not field.primary_key and field.name not in WRITTEN[model]
    }
    return {"table": model._meta.db_table, "defaults": defaults}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--capacity", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    http_cohort, raw_cohort, form_cohort, people = seed(args.people, args.capacity)
    browsers = signed_in([pk for pk, _key in people])
    args.out.write_text(
        json.dumps(
            [
                {
                    "id": pk,
                    "token": key,
                    "session": browsers[pk][0],
                    "csrf": browsers[pk][1],
                }
                for pk, key in people
            ]
        )
    )
    print(
        json.dumps(
            {
                "http_cohort": http_cohort.pk,
                "raw_cohort": raw_cohort.pk,
                "form_cohort": form_cohort.pk,
                "form_path": reverse(
                    "registrations:cohort-register", args=[form_cohort.pk]
                ),
                "form_page": form_cohort.get_absolute_url(),
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "programme": http_cohort.programme_id,
                "people": len(people),
                "schema": {
                    "registration": insert_schema(Registration),
                    "event": insert_schema(RegistrationEvent),
                    "seat_statuses": [
                        str(status)
                        for status in getattr(
                            Registration, "SEAT_STATUSES", ["confirmed"]
                        )
                    ],
                },
            }
        )
    )


if __name__ == "__main__":
    main()
