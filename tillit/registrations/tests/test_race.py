"""The race for the last seats, on PostgreSQL: many connections register at once."""

import threading
import time

import pytest
from django.db import connection, connections

from tillit.core.tests.factories import PersonFactory
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 100
SEATS = 30


def _max_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        return int(cursor.fetchone()[0])


def _rush(cohort, people):
    """Everyone calls register() at the same moment, each on its own connection."""
    start = threading.Barrier(len(people))
    failures = []

    def attempt(person):
        try:
            start.wait()
            services.register(person, cohort)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


@pytest.fixture
def rush_cohort():
    if _max_connections() < ATTEMPTS + 10:
        pytest.skip("PostgreSQL max_connections is below 110; raise it (see .ci/run)")
    cohort = CohortFactory(capacity=SEATS)
    people = PersonFactory.create_batch(ATTEMPTS, organisation=None)
    return cohort, people


def test_a_rush_of_100_for_30_seats_confirms_30_and_waitlists_70_in_arrival_order(
    rush_cohort, settings
):
    # 100 threads share one interpreter lock here, which stretches each locked
    # section; everyone must get through, so nobody is sent away to try again.
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 60_000
    cohort, people = rush_cohort

    failures = _rush(cohort, people)

    assert failures == []
    registrations = list(Registration.objects.filter(cohort=cohort).order_by("pk"))
    assert len(registrations) == ATTEMPTS
    assert len({r.person_id for r in registrations}) == ATTEMPTS
    statuses = [r.status for r in registrations]
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (ATTEMPTS - SEATS)
    arrival = [r.created_at for r in registrations]
    assert arrival == sorted(arrival)


def test_the_race_test_sees_an_overbooking_when_the_lock_is_switched_off(
    rush_cohort, monkeypatch
):
    """The canary: without the row lock the same rush overbooks, so the test above
    is able to catch a broken lock."""
    cohort, people = rush_cohort
    counted = services.seats.seats_left

    def no_lock(*cohorts):
        return [Cohort.objects.get(pk=c.pk) for c in cohorts]

    def slow_seats_left(c):
        left = counted(c)
        time.sleep(0.05)
        return left

    monkeypatch.setattr(services.seats, "lock_cohorts", no_lock)
    monkeypatch.setattr(services.seats, "seats_left", slow_seats_left)

    _rush(cohort, people)

    confirmed = Registration.objects.filter(cohort=cohort, status="confirmed").count()
    assert confirmed > SEATS


def test_a_registration_that_cannot_get_the_lock_in_time_is_asked_to_try_again(
    settings, postgres_lock_holder
):
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 200
    cohort = postgres_lock_holder

    with pytest.raises(services.TryAgain):
        services.register(PersonFactory(), cohort)

    assert not Registration.objects.filter(cohort=cohort).exists()


@pytest.fixture
def postgres_lock_holder():
    """A cohort whose row another connection holds locked during the test."""
    cohort = CohortFactory()
    locked, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        with transaction.atomic():
            Cohort.objects.select_for_update().get(pk=cohort.pk)
            locked.set()
            release.wait(timeout=30)
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(timeout=10)
    yield cohort
    release.set()
    holder.join()
