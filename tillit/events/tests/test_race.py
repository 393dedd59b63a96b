"""The rush for an event's last seats, on PostgreSQL: registrations through the
events service take the cohort's row lock, so the event is never overbooked."""

import threading

import pytest
from django.db import connection, connections

from tillit.core.tests.factories import PersonFactory
from tillit.events import services
from tillit.events.tests.factories import make_event
from tillit.registrations.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 60
SEATS = 20


def _max_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        return int(cursor.fetchone()[0])


def test_a_rush_for_an_event_confirms_exactly_its_seats(settings):
    if _max_connections() < ATTEMPTS + 10:
        pytest.skip("PostgreSQL max_connections is too low for the rush")
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 60_000
    event = make_event(capacity=SEATS)
    people = PersonFactory.create_batch(ATTEMPTS, organisation=None)
    start = threading.Barrier(ATTEMPTS)
    failures = []

    def attempt(person):
        try:
            start.wait()
            services.register(person, event)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    statuses = list(
        Registration.objects.filter(cohort=event.cohort)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (ATTEMPTS - SEATS)
