import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes import services as programme_services
from tillit.programmes.tests.factories import CohortFactory, TargetRuleFactory
from tillit.registrations import services
from tillit.registrations.models import Registration, RegistrationEvent
from tillit.registrations.selectors import availability, waitlist, waitlist_position
from tillit.registrations.tests.factories import RegistrationFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db


def test_registration_gets_a_seat_when_seats_are_left():
    cohort = CohortFactory(capacity=2)

    registration = services.register(PersonFactory(), cohort)

    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None


def test_registration_is_waitlisted_when_cohort_is_full():
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)

    registration = services.register(PersonFactory(), cohort)

    assert registration.status == Status.WAITLISTED


def test_registration_is_refused_when_full_and_waitlist_is_off():
    cohort = CohortFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)

    with pytest.raises(services.CohortFull):
        services.register(PersonFactory(), cohort)

    assert cohort.registrations.count() == 1


def test_registration_before_opening_is_refused():
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=3),
        registration_closes_at=timezone.now() + dt.timedelta(days=10),
    )

    with pytest.raises(services.RegistrationClosed):
        services.register(PersonFactory(), cohort)


def test_registration_after_closing_is_refused():
    cohort = CohortFactory(
        registration_opens_at=timezone.now() - dt.timedelta(days=10),
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1),
    )

    with pytest.raises(services.RegistrationClosed):
        services.register(PersonFactory(), cohort)


def test_a_person_holds_at_most_one_place_in_a_cohort():
    cohort = CohortFactory()
    person = PersonFactory()
    services.register(person, cohort)

    with pytest.raises(services.AlreadyRegistered):
        services.register(person, cohort)

    assert cohort.registrations.filter(person=person).count() == 1


def test_a_person_may_register_again_after_cancelling():
    cohort = CohortFactory()
    person = PersonFactory()
    services.cancel(services.register(person, cohort))

    registration = services.register(person, cohort)

    assert registration.status == Status.CONFIRMED


def test_the_database_refuses_a_second_active_place_for_one_person():
    registration = RegistrationFactory()

    with pytest.raises(services.AlreadyRegistered):
        services.seat_service(
            lambda: Registration.objects.create(
                cohort=registration.cohort,
                person=registration.person,
                status=Status.WAITLISTED,
            )
        )()


def test_a_person_outside_the_target_group_is_refused_with_reasons():
    rule = TargetRuleFactory(sectors=["state"])
    cohort = CohortFactory(programme=rule.programme)
    person = PersonFactory(organisation=OrganisationFactory(sector="municipal"))

    with pytest.raises(services.NotEligible) as refusal:
        services.register(person, cohort)

    assert refusal.value.reasons
    assert "Municipal" in refusal.value.reasons[0]


def test_a_granted_exception_lets_a_person_outside_the_target_group_register():
    rule = TargetRuleFactory(sectors=["state"])
    cohort = CohortFactory(programme=rule.programme)
    person = PersonFactory(organisation=OrganisationFactory(sector="municipal"))
    request = services.request_exception(
        person, rule.programme, "Jag leder en statlig samverkan."
    )
    services.decide_exception(request, grant=True, actor=PersonFactory())

    registration = services.register(person, cohort)

    assert registration.status == Status.CONFIRMED


def test_a_refused_exception_keeps_the_person_out(
    mailoutbox, django_capture_on_commit_callbacks
):
    rule = TargetRuleFactory(sectors=["state"])
    cohort = CohortFactory(programme=rule.programme)
    person = PersonFactory(organisation=OrganisationFactory(sector="municipal"))
    request = services.request_exception(person, rule.programme, "Gärna.")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_exception(request, grant=False, actor=PersonFactory())

    with pytest.raises(services.NotEligible):
        services.register(person, cohort)
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_cancelling_a_seat_promotes_the_first_waiting_person(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    seat = services.register(PersonFactory(), cohort)
    first = services.register(PersonFactory(), cohort)
    second = services.register(PersonFactory(), cohort)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(seat)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CONFIRMED
    assert second.status == Status.WAITLISTED
    assert [m.to for m in mailoutbox] == [[first.person.email]]


def test_cancelling_a_waitlisted_place_promotes_nobody():
    cohort = CohortFactory(capacity=1)
    services.register(PersonFactory(), cohort)
    waiting = services.register(PersonFactory(), cohort)
    behind = services.register(PersonFactory(), cohort)

    services.cancel(waiting)

    behind.refresh_from_db()
    assert behind.status == Status.WAITLISTED
    assert waitlist_position(behind) == 1


def test_cancelling_twice_is_refused():
    registration = services.register(PersonFactory(), CohortFactory())
    services.cancel(registration)

    with pytest.raises(services.RegistrationError):
        services.cancel(registration)


def test_the_waitlist_is_first_come_first_served():
    cohort = CohortFactory(capacity=1)
    services.register(PersonFactory(), cohort)
    waiting = [services.register(PersonFactory(), cohort) for _ in range(3)]

    assert list(waitlist(cohort)) == waiting
    assert [waitlist_position(r) for r in waiting] == [1, 2, 3]


def test_receipt_mail_is_sent_only_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    person = PersonFactory(preferred_language="en")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.register(person, cohort)

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_receipt_mail_is_in_the_persons_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    person = PersonFactory(preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.register(person, cohort)

    assert mailoutbox[0].subject.startswith("Your seat in")


def test_moving_a_person_frees_their_seat_for_the_source_waitlist():
    source = CohortFactory(capacity=1)
    target = CohortFactory(programme=source.programme, capacity=5)
    moving = services.register(PersonFactory(), source)
    waiting = services.register(PersonFactory(), source)
    organiser = PersonFactory()

    moved = services.move(moving, target, actor=organiser)

    waiting.refresh_from_db()
    assert moved.cohort == target
    assert moved.status == Status.CONFIRMED
    assert waiting.status == Status.CONFIRMED
    assert moved.events.get().actor == organiser


def test_moving_into_a_full_cohort_is_refused_and_changes_nothing():
    source = CohortFactory(capacity=5)
    target = CohortFactory(programme=source.programme, capacity=1)
    services.register(PersonFactory(), target)
    moving = services.register(PersonFactory(), source)

    with pytest.raises(services.CohortFull):
        services.move(moving, target, actor=PersonFactory())

    moving.refresh_from_db()
    assert moving.status == Status.CONFIRMED
    assert availability(target).confirmed == 1


def test_moving_to_another_programme_is_refused():
    moving = services.register(PersonFactory(), CohortFactory())

    with pytest.raises(services.RegistrationError):
        services.move(moving, CohortFactory(), actor=PersonFactory())


def test_more_seats_go_to_the_waitlist_at_once():
    cohort = CohortFactory(capacity=1)
    services.register(PersonFactory(), cohort)
    waiting = [services.register(PersonFactory(), cohort) for _ in range(3)]

    services.change_capacity(cohort, 3, actor=PersonFactory())

    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]


def test_capacity_cannot_go_below_the_seats_given():
    cohort = CohortFactory(capacity=3)
    services.register(PersonFactory(), cohort)
    services.register(PersonFactory(), cohort)

    with pytest.raises(services.RegistrationError):
        services.change_capacity(cohort, 1, actor=PersonFactory())

    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_a_cohort_edit_saves_its_fields_and_gives_new_seats_to_the_waitlist():
    cohort = CohortFactory(capacity=1, name="Våren")
    services.register(PersonFactory(), cohort)
    waiting = services.register(PersonFactory(), cohort)

    services.update_cohort(cohort, actor=PersonFactory(), name="Hösten", capacity=2)

    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Hösten", 2)
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED


def test_a_cohort_edit_below_the_seats_given_changes_nothing():
    cohort = CohortFactory(capacity=2, name="Våren")
    services.register(PersonFactory(), cohort)
    services.register(PersonFactory(), cohort)

    with pytest.raises(services.RegistrationError):
        services.update_cohort(cohort, actor=PersonFactory(), name="Hösten", capacity=1)

    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Våren", 2)


def test_the_naming_deadline_stays_while_reserved_seats_are_unnamed():
    organisation = OrganisationFactory()
    contact = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(contact)
    deadline = timezone.now() + dt.timedelta(days=5)
    cohort = CohortFactory(capacity=3, naming_deadline=deadline)
    services.reserve_seats(
        cohort, actor=contact, organisation=organisation, seats_wanted=2
    )

    with pytest.raises(ValidationError) as refused:
        services.update_cohort(cohort, actor=contact, naming_deadline=None)

    assert "naming_deadline" in refused.value.message_dict
    cohort.refresh_from_db()
    assert cohort.naming_deadline == deadline


def test_the_programmes_cohort_edit_leaves_the_capacity_to_the_seat_service():
    cohort = CohortFactory(capacity=1)

    with pytest.raises(ValidationError, match="capacity"):
        programme_services.update_cohort(cohort, actor=None, capacity=5)

    cohort.refresh_from_db()
    assert cohort.capacity == 1


def test_every_change_is_in_the_audit_trail():
    cohort = CohortFactory(capacity=1)
    seat = services.register(PersonFactory(), cohort)
    waiting = services.register(PersonFactory(), cohort)

    services.cancel(seat)

    actions = list(
        RegistrationEvent.objects.order_by("pk").values_list("registration", "action")
    )
    assert actions == [
        (seat.pk, "registered"),
        (waiting.pk, "waitlisted"),
        (seat.pk, "cancelled"),
        (waiting.pk, "promoted"),
    ]
