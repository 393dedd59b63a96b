"""Approval before a seat is confirmed, and the waitlist's offer rule: held
seats, approve, refuse, lapse; offers accepted, declined and expired."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration, RegistrationEvent
from tillit.registrations.selectors import availability
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
Action = RegistrationEvent.Action
EndReason = Registration.EndReason


@pytest.fixture
def municipality():
    return OrganisationFactory()


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality)
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def manager(municipality):
    return PersonFactory(organisation=municipality, title="Förvaltningschef")


@pytest.fixture
def employee(municipality, manager):
    return PersonFactory(organisation=municipality, manager=manager)


def approval_cohort(approval="employer", **fields):
    return CohortFactory(programme__approval=approval, **fields)


def later(registration, minutes=1):
    return registration.expires_at + dt.timedelta(minutes=minutes)


# Held seats


def test_registering_for_a_programme_with_approval_holds_the_seat(employee, contact):
    cohort = approval_cohort(approval_hold_hours=48)
    before = timezone.now()

    registration = services.register(employee, cohort)

    assert registration.status == Status.HELD
    assert registration.approver is None
    hold = registration.expires_at - before
    assert dt.timedelta(hours=48) <= hold < dt.timedelta(hours=48, minutes=1)
    seats = availability(cohort)
    assert (seats.held, seats.seats_left) == (1, cohort.capacity - 1)
    assert registration.events.get().action == Action.HELD


def test_approval_by_the_manager_names_the_persons_own_manager(employee, manager):
    registration = services.register(employee, approval_cohort("manager"))

    assert registration.status == Status.HELD
    assert registration.approver == manager


def test_the_approvers_are_asked_and_the_person_told_after_commit(
    employee, contact, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = approval_cohort()

    with django_capture_on_commit_callbacks(execute=True):
        services.register(employee, cohort)
        assert mailoutbox == []

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [contact.email, employee.email]
    )
    request = next(m for m in mailoutbox if m.to == [contact.email])
    assert "/approvals/link/" in request.body


def test_approving_confirms_the_held_seat_and_logs_who(employee, contact):
    registration = services.register(employee, approval_cohort())

    services.decide_approval(registration, approve=True, actor=contact, note="Ja")

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert (registration.approved_by, registration.confirmed_at is not None) == (
        contact,
        True,
    )
    event = registration.events.last()
    assert (event.action, event.actor, event.note) == (Action.APPROVED, contact, "Ja")


def test_refusing_frees_the_seat_to_the_first_waiting(employee, contact):
    cohort = approval_cohort(capacity=1)
    registration = services.register(employee, cohort)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    services.decide_approval(registration, approve=False, actor=contact)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, registration.end_reason) == (
        Status.CANCELLED,
        EndReason.REFUSED,
    )
    assert waiting.status != Status.WAITLISTED
    assert registration.events.last().action == Action.REFUSED


def test_the_decision_is_mailed_to_the_person_after_commit(
    employee, contact, mailoutbox, django_capture_on_commit_callbacks
):
    registration = services.register(employee, approval_cohort())

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_approval(registration, approve=True, actor=contact)

    assert [m.to for m in mailoutbox] == [[employee.email]]


def test_a_seat_not_approved_in_time_lapses_and_goes_to_the_waitlist(
    employee, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = approval_cohort(capacity=1)
    registration = services.register(employee, cohort)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        handled = services.expire_due(now=later(registration))

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert handled == 1
    assert (registration.status, registration.end_reason) == (
        Status.CANCELLED,
        EndReason.LAPSED,
    )
    assert waiting.status != Status.WAITLISTED
    assert employee.email in [m.to[0] for m in mailoutbox]


def test_a_held_seat_does_not_lapse_before_its_time(employee):
    registration = services.register(employee, approval_cohort())

    services.expire_due(now=registration.expires_at - dt.timedelta(minutes=1))

    registration.refresh_from_db()
    assert registration.status == Status.HELD


def test_a_lapsed_seat_can_no_longer_be_approved(employee, contact):
    registration = services.register(employee, approval_cohort())
    services.expire_due(now=later(registration))

    with pytest.raises(services.RegistrationError, match="no longer waiting"):
        services.decide_approval(registration, approve=True, actor=contact)


def test_the_named_manager_may_approve_and_another_contact_may_not(
    employee, manager, contact
):
    registration = services.register(employee, approval_cohort("manager"))

    assert services.can_approve(manager, registration)
    assert not services.can_approve(contact, registration)


def test_any_employer_contact_may_approve_when_nobody_is_named(employee, contact):
    registration = services.register(employee, approval_cohort())

    assert services.can_approve(contact, registration)


def test_the_programmes_organiser_may_approve(employee):
    registration = services.register(employee, approval_cohort())
    organiser = OrganiserFactory(organiser_of=registration.cohort.programme.organiser)

    services.decide_approval(registration, approve=True, actor=organiser)

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_an_employer_contact_of_another_organisation_may_not_approve(employee):
    registration = services.register(employee, approval_cohort())
    stranger = PersonFactory()
    stranger.organisation.employer_contacts.add(stranger)

    with pytest.raises(services.NotAllowed):
        services.decide_approval(registration, approve=True, actor=stranger)

    registration.refresh_from_db()
    assert registration.status == Status.HELD


# The offer rule


@pytest.fixture
def offer_cohort():
    """One seat taken, two people waiting; freed seats are offered for 24 hours."""
    cohort = CohortFactory(
        capacity=1, waitlist_rule=Cohort.WaitlistRule.OFFER, offer_hours=24
    )
    seat = services.register(PersonFactory(), cohort)
    first = services.register(PersonFactory(), cohort)
    second = services.register(PersonFactory(), cohort)
    return cohort, seat, first, second


def statuses(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return [registration.status for registration in registrations]


def test_a_freed_seat_is_offered_to_the_first_waiting_for_the_offer_time(
    offer_cohort, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, seat, first, second = offer_cohort
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(seat)

    assert statuses(first, second) == [Status.OFFERED, Status.WAITLISTED]
    offer_time = first.expires_at - before
    assert dt.timedelta(hours=24) <= offer_time < dt.timedelta(hours=24, minutes=1)
    assert availability(cohort).offered == 1
    assert first.person.email in [m.to[0] for m in mailoutbox]


def test_accepting_an_offer_confirms_the_seat(offer_cohort):
    _cohort, seat, first, second = offer_cohort
    services.cancel(seat)

    services.accept_offer(first, actor=first.person)

    assert statuses(first, second) == [Status.CONFIRMED, Status.WAITLISTED]
    assert first.events.last().action == Action.ACCEPTED


def test_declining_an_offer_passes_it_to_the_next(offer_cohort):
    _cohort, seat, first, second = offer_cohort
    services.cancel(seat)

    services.decline_offer(first, actor=first.person)

    assert statuses(first, second) == [Status.CANCELLED, Status.OFFERED]
    assert first.end_reason == EndReason.DECLINED


def test_an_offer_not_accepted_in_time_expires_and_passes_to_the_next(offer_cohort):
    _cohort, seat, first, second = offer_cohort
    services.cancel(seat)
    first.refresh_from_db()
    moment = later(first)

    services.expire_due(now=moment)

    assert statuses(first, second) == [Status.CANCELLED, Status.OFFERED]
    assert first.end_reason == EndReason.EXPIRED
    assert second.expires_at == moment + dt.timedelta(hours=24)


def test_an_expired_offer_cannot_be_accepted(offer_cohort):
    _cohort, seat, first, _second = offer_cohort
    services.cancel(seat)
    Registration.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    with pytest.raises(services.RegistrationError, match="no longer open"):
        services.accept_offer(first, actor=first.person)


def test_only_the_person_or_their_employer_contact_may_answer_an_offer(
    offer_cohort,
):
    _cohort, seat, first, second = offer_cohort
    services.cancel(seat)

    with pytest.raises(services.NotAllowed):
        services.accept_offer(first, actor=second.person)


def test_each_promotion_is_offered_once(offer_cohort):
    _cohort, seat, first, second = offer_cohort
    services.cancel(seat)
    first.refresh_from_db()
    services.expire_due(now=later(first))
    services.expire_due(now=later(first, minutes=2))

    offered = RegistrationEvent.objects.filter(action=Action.OFFERED)

    assert sorted(e.registration_id for e in offered) == sorted([first.pk, second.pk])


def test_an_accepted_offer_still_needs_approval_when_the_programme_asks(
    employee, contact
):
    cohort = approval_cohort(capacity=1, waitlist_rule=Cohort.WaitlistRule.OFFER)
    seat = RegistrationFactory(cohort=cohort)
    waiting = services.register(employee, cohort)
    services.cancel(seat)

    services.accept_offer(waiting, actor=employee)

    assert statuses(waiting) == [Status.HELD]
    assert availability(cohort).seats_left == 0


def test_a_held_seat_past_its_time_cannot_be_approved_before_the_worker_runs(
    employee, contact
):
    registration = services.register(employee, approval_cohort())
    Registration.objects.filter(pk=registration.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    with pytest.raises(services.RegistrationError, match="run out"):
        services.decide_approval(registration, approve=True, actor=contact)
