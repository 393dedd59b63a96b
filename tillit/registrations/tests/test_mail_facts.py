"""Mail about a registration says what happened when it happened (issue 14)."""

import datetime as dt
import zoneinfo

import pytest
from django.db import transaction
from django.test.signals import template_rendered
from django.utils import formats, timezone, translation

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


# The receipt on the registration rush (issue 18): recorded as facts after
# commit, rendered by the worker that sends it.


def test_a_receipt_is_recorded_without_a_read_or_a_template(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    person = PersonFactory(preferred_language="en")
    rendered = []
    template_rendered.connect(rendered.append)
    try:
        with django_capture_on_commit_callbacks() as after_commit:
            services.register(person, CohortFactory())
        # The test's transaction makes the insert's own atomic block a savepoint.
        with django_assert_num_queries(3):  # savepoint, the outbox row, release
            for callback in after_commit:
                callback()
    finally:
        template_rendered.disconnect(rendered.append)

    (receipt,) = Notification.objects.filter(person=person)
    assert receipt.kind == Notification.Kind.REGISTRATION_CONFIRMED
    assert (receipt.status, receipt.body, receipt.language) == ("queued", "", "en")
    assert rendered == []


def test_a_receipt_rendered_by_the_worker_states_what_was_true_when_recorded(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(preferred_language="en", first_name="Jane")
    cohort = CohortFactory(
        name="Omgång 1",
        programme__title="Ledning i komplexitet",
        starts_on=dt.date(2031, 3, 4),
        ends_on=dt.date(2031, 6, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.register(person, cohort)

    cohort.name = "Omgång 2"
    cohort.starts_on = dt.date(2031, 4, 1)
    cohort.save()
    cohort.programme.title = "Styrmodellen"
    cohort.programme.save()
    person.first_name = "Janet"
    person.preferred_language = "sv"
    person.save()
    _send_all(person)

    (mail,) = mailoutbox
    assert mail.subject == "Your seat in Ledning i komplexitet is confirmed"
    assert "Hello Jane," in mail.body
    assert "You have a seat in Ledning i komplexitet, Omgång 1." in mail.body
    assert "Dates: 4 March 2031 – 1 June 2031" in mail.body
    assert "Styrmodellen" not in mail.body
    assert "Omgång 2" not in mail.body
    receipt = Notification.objects.get(person=person)
    assert (receipt.status, receipt.body) == ("sent", mail.body)


def test_a_held_seat_receipt_tells_the_hold_in_the_zone_it_was_made_in(
    municipality, mailoutbox, django_capture_on_commit_callbacks
):
    manager = PersonFactory(organisation=municipality)
    employee = PersonFactory(
        organisation=municipality, manager=manager, preferred_language="en"
    )
    cohort = CohortFactory(programme__approval="manager")
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    with (
        timezone.override(helsinki),
        django_capture_on_commit_callbacks(execute=True),
    ):
        held = services.register(employee, cohort)
    _send_all(employee)

    (mail,) = mailoutbox
    with translation.override("en"):
        until = formats.date_format(
            timezone.localtime(held.expires_at, helsinki), "DATETIME_FORMAT"
        )
    assert held.status == Status.HELD
    assert f"is held for you until {until} while" in mail.body
