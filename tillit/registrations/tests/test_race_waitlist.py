"""The fair waitlist under a rush, on PostgreSQL: cancellations, answers to
offers, expiries and new registrations hit one cohort at the same moment, each
on its own connection; afterwards every seat invariant still holds."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration, RegistrationEvent
from tillit.registrations.tests.test_invariants import assert_seat_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = Registration.Status
Action = RegistrationEvent.Action
SEATS = 10


def _max_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        return int(cursor.fetchone()[0])


def _all_at_once(calls):
    """Run every call at the same moment, each in a thread with its own
    connection; return the exceptions raised."""
    start = threading.Barrier(len(calls))
    raised = []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # collected and judged by the test
            raised.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    return raised


@pytest.fixture
def busy_cohort(settings):
    """An offer-mode cohort of ten seats: six confirmed, four offered (two of the
    offers already overdue), a group of three waiting together ahead of four
    single people."""
    if _max_connections() < 60:
        pytest.skip("PostgreSQL max_connections is below 60")
    # Threads share one interpreter lock, which stretches each locked section;
    # a long lock time-out keeps TryAgain out of the picture.
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 60_000
    cohort = CohortFactory(
        capacity=SEATS, waitlist_rule=Cohort.WaitlistRule.OFFER, offer_hours=24
    )
    municipality = OrganisationFactory()
    contact = PersonFactory(organisation=municipality)
    municipality.employer_contacts.add(contact)

    seats = [services.register(PersonFactory(), cohort) for _ in range(SEATS)]
    group = services.book_for_others(
        cohort,
        PersonFactory.create_batch(3, organisation=municipality),
        actor=contact,
        organisation=municipality,
        wait_together=True,
    )
    singles = [services.register(PersonFactory(), cohort) for _ in range(8)]
    for seat in seats[:4]:
        services.cancel(seat)
    overdue = timezone.now() - dt.timedelta(hours=1)
    Registration.objects.filter(pk__in=[s.pk for s in singles[:2]]).update(
        expires_at=overdue
    )
    return {
        "cohort": cohort,
        "seats": seats[4:],
        "group": [outcome.registration for outcome in group],
        "offered": singles[:4],
        "waiting": singles[4:],
        "newcomers": PersonFactory.create_batch(8),
    }


def _rush(busy_cohort):
    """Six cancellations of seats, answers to the four offers, the group and a
    single leaving the waitlist, three expiry runs and eight newcomers, all at
    once. Returns the exceptions raised."""
    cohort = busy_cohort["cohort"]
    offered = busy_cohort["offered"]
    later = timezone.now() + dt.timedelta(hours=25)

    def answer(service, registration):
        return lambda: service(registration, actor=registration.person)

    calls = [
        *[lambda r=seat: services.cancel(r) for seat in busy_cohort["seats"]],
        answer(services.accept_offer, offered[0]),  # overdue: refused or expired
        answer(services.decline_offer, offered[1]),  # overdue: races the expiry
        answer(services.accept_offer, offered[2]),
        answer(services.decline_offer, offered[3]),
        lambda: services.cancel(busy_cohort["group"][0]),  # the group shrinks
        lambda: services.cancel(busy_cohort["waiting"][0]),
        *[lambda: services.expire_due(now=later) for _ in range(3)],
        *[
            lambda p=person: services.register(p, cohort)
            for person in busy_cohort["newcomers"]
        ],
    ]

    return _all_at_once(calls)


def test_the_waitlist_stays_fair_under_concurrent_changes(busy_cohort):
    cohort = busy_cohort["cohort"]
    assert [r.status for r in busy_cohort["group"]] == [Status.WAITLISTED] * 3
    assert Registration.objects.filter(status=Status.OFFERED).count() == 4

    raised = _rush(busy_cohort)

    unexpected = [e for e in raised if not isinstance(e, services.RegistrationError)]
    assert unexpected == []
    assert not any(isinstance(e, services.TryAgain) for e in raised)
    assert_seat_invariants(cohort)
    _assert_each_promotion_happened_exactly_once(cohort)


def _assert_each_promotion_happened_exactly_once(cohort):
    """Everyone who left the waitlist for a seat was offered it exactly once;
    nobody still waiting was offered anything."""
    offers = {}
    for registration_id in RegistrationEvent.objects.filter(
        registration__cohort=cohort, action__in=[Action.OFFERED, Action.PROMOTED]
    ).values_list("registration_id", flat=True):
        offers[registration_id] = offers.get(registration_id, 0) + 1
    assert set(offers.values()) <= {1}
    for registration in Registration.objects.filter(cohort=cohort).prefetch_related(
        "events"
    ):
        actions = [event.action for event in registration.events.all()]
        waited = actions[0] == Action.WAITLISTED
        left_for_a_seat = registration.status != Status.WAITLISTED and not (
            registration.status == Status.CANCELLED
            and actions[-1] == Action.CANCELLED
            and Action.OFFERED not in actions
        )
        if waited and left_for_a_seat:
            assert offers.get(registration.pk) == 1, actions
        if registration.status == Status.WAITLISTED:
            assert registration.pk not in offers, actions


def test_the_race_test_sees_double_expiries_when_the_lock_is_switched_off(
    busy_cohort, monkeypatch
):
    """The canary: without the cohort lock the same rush breaks an invariant
    (typically an offer expired by several expiry runs at once), so the test
    above is able to catch a broken lock."""
    counted = services.seats.seats_left

    def no_lock(*cohorts):
        found = Cohort.objects.select_related("programme")
        return [found.get(pk=cohort.pk) for cohort in cohorts]

    def slow_seats_left(cohort):
        left = counted(cohort)
        time.sleep(0.05)
        return left

    monkeypatch.setattr(services.seats, "lock_cohorts", no_lock)
    monkeypatch.setattr(services.seats, "seats_left", slow_seats_left)

    _rush(busy_cohort)

    with pytest.raises(AssertionError):
        assert_seat_invariants(busy_cohort["cohort"])
        _assert_each_promotion_happened_exactly_once(busy_cohort["cohort"])


def test_a_cohort_edit_that_adds_seats_during_a_rush_fills_them_from_the_waitlist(
    settings,
):
    """The organiser raises the capacity (and renames the cohort) while people
    register and cancel: the edit and its waitlist fill hold the cohort's lock
    as one step, so every new seat goes to the waitlist, none twice."""
    if _max_connections() < 40:
        pytest.skip("PostgreSQL max_connections is below 40")
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 60_000
    cohort = CohortFactory(capacity=5, name="Våren")
    seats = [services.register(PersonFactory(), cohort) for _ in range(5)]
    for _ in range(6):
        services.register(PersonFactory(), cohort)
    newcomers = PersonFactory.create_batch(6)
    organiser = PersonFactory()

    raised = _all_at_once(
        [
            lambda: services.update_cohort(
                cohort, actor=organiser, name="Hösten", capacity=9
            ),
            *[lambda r=seat: services.cancel(r) for seat in seats[:2]],
            *[lambda p=person: services.register(p, cohort) for person in newcomers],
        ]
    )

    assert raised == []
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Hösten", 9)
    assert_seat_invariants(cohort)
    _assert_each_promotion_happened_exactly_once(cohort)
    confirmed = Registration.objects.filter(cohort=cohort, status=Status.CONFIRMED)
    assert confirmed.count() == 9
