"""PostgreSQL restarted during a registration rush: nothing lost or doubled,
and the people caught in the restart are told to try again (issue 16)."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 12
SEATS = 5


def _restart_database_sessions():
    """What clients see of a PostgreSQL restart: every other connection to this
    test database is cut (the server itself is shared and keeps running)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.rowcount


def test_a_database_restart_in_a_registration_rush_loses_and_doubles_nothing(
    settings, monkeypatch
):
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 60_000
    cohort = CohortFactory(capacity=SEATS)
    people = PersonFactory.create_batch(PEOPLE, organisation=None)
    url = reverse("registrations:cohort-register", args=[cohort.pk])
    counted = services.seats.seats_left

    def slow_seats_left(c):
        time.sleep(0.3)  # each registration holds the cohort's lock a while
        return counted(c)

    monkeypatch.setattr(services.seats, "seats_left", slow_seats_left)
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    connections.close_all()
    start = threading.Barrier(PEOPLE + 1)
    answers = {i: [] for i in range(PEOPLE)}

    def register_until_answered(i):
        """A browser whose person presses "Register" again when told to."""
        start.wait()
        try:
            for _attempt in range(20):
                try:
                    status = clients[i].post(url).status_code
                except Exception as error:  # a 500 would surface here
                    status = repr(error)
                answers[i].append(status)
                if status != 503:
                    return
                time.sleep(0.3)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=register_until_answered, args=(i,))
        for i in range(PEOPLE)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(1.0)  # some registered, some waiting for the lock, one in it
    cut = _restart_database_sessions()
    for thread in threads:
        thread.join(timeout=120)

    assert cut > 0
    told_to_retry = [a for a in answers.values() if 503 in a]
    assert told_to_retry, "nobody was caught by the restart"
    final = [a[-1] for a in answers.values()]
    assert all(status in (200, 302) for status in final), answers
    registrations = Registration.objects.filter(cohort=cohort)
    assert registrations.count() == PEOPLE
    assert {r.person_id for r in registrations} == {p.pk for p in people}
    assert registrations.filter(status=Registration.Status.CONFIRMED).count() == SEATS
