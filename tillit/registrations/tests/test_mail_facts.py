"""Mail about a registration says what happened when it happened (issue 14)."""

import datetime as dt

import pytest
from django.db import transaction

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications import services as notifications
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture(autouse=True)
def _worker_has_not_run(settings):
    """Queued mail waits for the worker, as in production."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "QUEUES": [],
        }
    }


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality, first_name="Hanna")
    municipality.employer_contacts.add(person)
    return person


def _managers(municipality, count=2):
    return PersonFactory.create_batch(
        count, organisation=municipality, preferred_language="en"
    )


def _send_all(person):
    for pk in (
        Notification.objects.filter(person=person)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        notifications.deliver(pk)


def test_a_receipt_queued_before_a_swap_still_states_the_seat(
    contact, municipality, mailoutbox, django_capture_on_commit_callbacks
):
    manager, colleague = _managers(municipality)
    cohort = CohortFactory(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        (booked,) = services.book_for_others(
            cohort, [manager], actor=contact, organisation=municipality
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.swap(booked.registration, colleague, actor=contact)
    _send_all(manager)

    receipt, passed_on = [m for m in mailoutbox if m.to == [manager.email]]
    assert "You have a seat in" in receipt.body
    assert "waitlist" not in receipt.body
    assert "has been passed to a colleague" in passed_on.subject
    assert "Hanna" in passed_on.body
    assert "You no longer have a seat in this cohort." in passed_on.body


def test_a_manager_whose_waitlist_place_is_passed_on_is_told_so(
    contact, municipality, mailoutbox, django_capture_on_commit_callbacks
):
    manager, colleague = _managers(municipality)
    cohort = CohortFactory(capacity=1)
    services.register(PersonFactory(), cohort)
    waiting = services.register(manager, cohort)

    with django_capture_on_commit_callbacks(execute=True):
        services.swap(waiting, colleague, actor=contact)
    _send_all(manager)

    (passed_on,) = [m for m in mailoutbox if m.to == [manager.email]]
    assert "You are no longer on the waitlist." in passed_on.body


def test_the_colleague_who_takes_the_seat_gets_a_receipt_not_the_passed_on_mail(
    contact, municipality, django_capture_on_commit_callbacks
):
    manager, colleague = _managers(municipality)
    seat = services.register(manager, CohortFactory())

    with django_capture_on_commit_callbacks(execute=True):
        successor = services.swap(seat, colleague, actor=contact)

    kinds = {n.person: n.kind for n in Notification.objects.all()}
    assert successor.status == Status.CONFIRMED
    assert kinds[manager] == Notification.Kind.SEAT_PASSED_ON
    assert kinds[colleague] == Notification.Kind.REGISTRATION_CONFIRMED


def _held(municipality):
    manager = PersonFactory(organisation=municipality)
    employee = PersonFactory(organisation=municipality, manager=manager)
    cohort = CohortFactory(programme__approval="manager")
    return services.register(employee, cohort), manager


def test_an_approval_decision_is_recorded_inside_its_transaction(municipality):
    held, manager = _held(municipality)

    services.decide_approval(held, approve=True, actor=manager)

    (decision,) = Notification.objects.filter(person=held.person)
    assert decision.kind == Notification.Kind.APPROVAL_DECIDED
    assert "is approved and confirmed" in decision.body


def test_a_rolled_back_approval_decision_records_no_mail(municipality):
    held, manager = _held(municipality)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.decide_approval(held, approve=False, actor=manager)
        raise RuntimeError("the request failed after the decision")

    assert not Notification.objects.exists()


def test_a_lapse_is_recorded_once_with_the_seat_ending(municipality):
    held, _manager = _held(municipality)
    later = held.expires_at + dt.timedelta(minutes=1)

    services.expire_due(later)
    services.expire_due(later + dt.timedelta(minutes=1))

    (lapse,) = Notification.objects.filter(person=held.person)
    assert lapse.kind == Notification.Kind.SEAT_LAPSED
    assert "was not approved in time" in lapse.body
