"""Employer contacts: booking several managers, reserving and naming seats,
swapping a colleague in, and the organisation's seat limit."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.models import RoleCategory
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory, TargetRuleFactory
from tillit.registrations import services
from tillit.registrations.models import Registration, RegistrationEvent, Reservation
from tillit.registrations.selectors import availability, waitlist_position
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
Action = RegistrationEvent.Action


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality, title="Digitaliseringschef")
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def managers(municipality):
    return PersonFactory.create_batch(5, organisation=municipality)


def outcomes_of(results):
    return [result.outcome for result in results]


def fill_up(cohort, n=None):
    """Confirmed seats for strangers: all seats of the cohort unless n is given."""
    return RegistrationFactory.create_batch(n or cohort.capacity, cohort=cohort)


def naming_cohort(**fields):
    return CohortFactory(
        naming_deadline=timezone.now() + dt.timedelta(days=5), **fields
    )


# Book for others


def test_booking_five_managers_gives_three_seats_and_two_waitlist_places(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=3)

    results = services.book_for_others(
        cohort, managers, actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["seat"] * 3 + ["waitlisted"] * 2
    assert [r.person for r in results] == managers
    assert [waitlist_position(r.registration) for r in results[3:]] == [1, 2]
    assert results[0].registration.booked_by == contact


def test_a_booked_manager_on_the_waitlist_is_promoted_when_a_seat_frees(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=3)
    results = services.book_for_others(
        cohort, managers, actor=contact, organisation=municipality
    )

    services.cancel(results[0].registration)

    fourth, fifth = (r.registration for r in results[3:])
    fourth.refresh_from_db()
    fifth.refresh_from_db()
    assert (fourth.status, fifth.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert fourth.events.last().action == Action.PROMOTED
    assert waitlist_position(fifth) == 1


def test_booking_refuses_a_manager_outside_the_target_group_and_books_the_rest(
    contact, municipality, managers
):
    cohort = CohortFactory()
    TargetRuleFactory(
        programme=cohort.programme, sectors=[], role_categories=["unit_manager"]
    )
    managers[0].role_category = RoleCategory.FINANCE_DIRECTOR
    managers[0].save()

    results = services.book_for_others(
        cohort, managers[:3], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["refused", "seat", "seat"]
    assert "Not in the target group" in results[0].reason
    assert results[0].registration is None


def test_booking_refuses_a_manager_already_registered(contact, municipality, managers):
    cohort = CohortFactory()
    RegistrationFactory(cohort=cohort, person=managers[1], status=Status.WAITLISTED)

    results = services.book_for_others(
        cohort, managers[:2], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["seat", "refused"]
    assert results[1].reason == "Already registered for this cohort."


def test_booking_refuses_people_over_the_organisations_seat_limit(
    contact, municipality, managers
):
    cohort = CohortFactory(max_seats_per_organisation=3)
    RegistrationFactory(cohort=cohort, person=managers[0])

    results = services.book_for_others(
        cohort, managers[1:], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["seat", "seat", "refused", "refused"]
    assert "has used its 3 places" in results[2].reason


def test_booking_refuses_someone_of_another_organisation(contact, municipality):
    stranger = PersonFactory()

    results = services.book_for_others(
        CohortFactory(), [stranger], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["refused"]
    assert not Registration.objects.exists()


def test_only_an_employer_contact_may_book_for_the_organisation(municipality, managers):
    with pytest.raises(services.NotAllowed):
        services.book_for_others(
            CohortFactory(), managers, actor=managers[0], organisation=municipality
        )

    assert not Registration.objects.exists()


def test_booking_a_closed_cohort_is_refused(contact, municipality, managers):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=2),
    )

    with pytest.raises(services.RegistrationClosed):
        services.book_for_others(
            cohort, managers, actor=contact, organisation=municipality
        )


def test_booking_when_full_without_a_waitlist_refuses_the_people_left(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=1, waitlist_enabled=False)

    results = services.book_for_others(
        cohort, managers[:2], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["seat", "refused"]
    assert results[1].reason == "The cohort is fully booked."


def test_a_booking_by_the_employer_contact_needs_no_further_approval(
    contact, municipality, managers
):
    cohort = CohortFactory(programme__approval="employer")

    results = services.book_for_others(
        cohort, managers[:1], actor=contact, organisation=municipality
    )

    assert outcomes_of(results) == ["seat"]


# Waiting together or split


def test_booking_together_waits_all_or_nothing_when_not_all_fit(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=2)

    results = services.book_for_others(
        cohort,
        managers[:3],
        actor=contact,
        organisation=municipality,
        wait_together=True,
    )

    assert outcomes_of(results) == ["waitlisted"] * 3
    assert availability(cohort).seats_left == 2


def test_booking_together_gets_seats_for_all_when_all_fit(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=3)

    results = services.book_for_others(
        cohort,
        managers[:3],
        actor=contact,
        organisation=municipality,
        wait_together=True,
    )

    assert outcomes_of(results) == ["seat"] * 3


def test_a_split_booking_takes_the_seats_left_and_the_rest_wait(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=2)

    results = services.book_for_others(
        cohort,
        managers[:3],
        actor=contact,
        organisation=municipality,
        wait_together=False,
    )

    assert outcomes_of(results) == ["seat", "seat", "waitlisted"]


@pytest.fixture
def group_waiting(contact, municipality, managers):
    """A full cohort of three seats, a group of three waiting together, then a
    single person waiting behind the group."""
    cohort = CohortFactory(capacity=3)
    seats = fill_up(cohort)
    group = services.book_for_others(
        cohort,
        managers[:3],
        actor=contact,
        organisation=municipality,
        wait_together=True,
    )
    single = services.register(PersonFactory(), cohort)
    return cohort, seats, [r.registration for r in group], single


def test_a_waiting_group_that_cannot_fit_does_not_block_the_single_behind_it(
    group_waiting,
):
    _cohort, seats, group, single = group_waiting

    services.cancel(seats[0])

    single.refresh_from_db()
    assert single.status == Status.CONFIRMED
    assert [waitlist_position(r) for r in group] == [1, 2, 3]


def test_a_waiting_group_keeps_its_place_and_moves_up_whole_when_it_fits(
    group_waiting,
):
    cohort, seats, _group, single = group_waiting
    services.cancel(seats[0])
    services.cancel(seats[1])
    services.cancel(seats[2])
    assert availability(cohort).seats_left == 2

    services.cancel(single)

    statuses = {r.status for r in Registration.objects.filter(booking__isnull=False)}
    assert statuses == {Status.CONFIRMED}
    assert availability(cohort).seats_left == 0


def test_a_group_member_leaving_the_waitlist_lets_the_rest_fit(group_waiting):
    _cohort, seats, group, _single = group_waiting
    services.cancel(seats[0])  # the single takes it
    services.cancel(seats[1])
    services.cancel(seats[2])

    services.cancel(group[0])

    for registration in group[1:]:
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED


# Reserve now, name later


def test_reserving_takes_free_seats_until_named(contact, municipality):
    cohort = naming_cohort(capacity=5)

    reservation = services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=3
    )

    assert reservation.unnamed_seats == 3
    seats = availability(cohort)
    assert (seats.reserved, seats.seats_left) == (3, 2)


def test_reserving_more_than_the_free_seats_is_refused(contact, municipality):
    cohort = naming_cohort(capacity=3)
    fill_up(cohort, 2)

    with pytest.raises(services.CohortFull):
        services.reserve_seats(
            cohort, actor=contact, organisation=municipality, seats_wanted=2
        )

    assert not Reservation.objects.exists()


def test_reserving_needs_a_naming_deadline_on_the_cohort(contact, municipality):
    with pytest.raises(services.RegistrationError):
        services.reserve_seats(
            CohortFactory(), actor=contact, organisation=municipality, seats_wanted=1
        )


def test_reserving_counts_against_the_organisations_limit(contact, municipality):
    cohort = naming_cohort(max_seats_per_organisation=2)

    with pytest.raises(services.RegistrationError, match="has used its 2 places"):
        services.reserve_seats(
            cohort, actor=contact, organisation=municipality, seats_wanted=3
        )


def test_only_an_employer_contact_may_reserve(municipality, managers):
    with pytest.raises(services.NotAllowed):
        services.reserve_seats(
            naming_cohort(),
            actor=managers[0],
            organisation=municipality,
            seats_wanted=1,
        )


def test_naming_a_reserved_seat_confirms_it_without_taking_another(
    contact, municipality, managers
):
    cohort = naming_cohort(capacity=2)
    reservation = services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=2
    )

    registration = services.name_seat(reservation, managers[0], actor=contact)

    assert registration.status == Status.CONFIRMED
    assert registration.reservation == reservation
    reservation.refresh_from_db()
    assert reservation.unnamed_seats == 1
    assert availability(cohort).seats_left == 0
    assert registration.events.get().action == Action.NAMED


def test_naming_more_people_than_reserved_seats_is_refused(
    contact, municipality, managers
):
    reservation = services.reserve_seats(
        naming_cohort(), actor=contact, organisation=municipality, seats_wanted=1
    )
    services.name_seat(reservation, managers[0], actor=contact)

    with pytest.raises(services.RegistrationError, match="already has a name"):
        services.name_seat(reservation, managers[1], actor=contact)


def test_naming_someone_of_another_organisation_is_refused(contact, municipality):
    reservation = services.reserve_seats(
        naming_cohort(), actor=contact, organisation=municipality, seats_wanted=1
    )

    with pytest.raises(services.RegistrationError, match="Not a member"):
        services.name_seat(reservation, PersonFactory(), actor=contact)


def test_naming_after_the_deadline_is_refused(contact, municipality, managers):
    cohort = naming_cohort()
    reservation = services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=1
    )
    cohort.naming_deadline = timezone.now() - dt.timedelta(minutes=1)
    cohort.save()

    with pytest.raises(services.RegistrationError, match="deadline"):
        services.name_seat(reservation, managers[0], actor=contact)


def test_naming_after_the_deadline_was_removed_is_refused_not_a_crash(
    contact, municipality, managers
):
    cohort = naming_cohort()
    reservation = services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=1
    )
    cohort.naming_deadline = None
    cohort.save()

    with pytest.raises(services.RegistrationError, match="deadline"):
        services.name_seat(reservation, managers[0], actor=contact)


def test_unnamed_seats_go_to_the_waitlist_at_the_naming_deadline(
    contact, municipality, managers
):
    cohort = naming_cohort(capacity=2)
    reservation = services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=2
    )
    services.name_seat(reservation, managers[0], actor=contact)
    waiting = services.register(PersonFactory(), cohort)
    assert waiting.status == Status.WAITLISTED

    services.expire_due(now=cohort.naming_deadline + dt.timedelta(minutes=1))

    reservation.refresh_from_db()
    waiting.refresh_from_db()
    assert (reservation.unnamed_seats, reservation.released_at) == (
        0,
        cohort.naming_deadline + dt.timedelta(minutes=1),
    )
    assert waiting.status == Status.CONFIRMED
    assert availability(cohort).seats_left == 0


def test_reserved_seats_stay_reserved_before_the_deadline(contact, municipality):
    cohort = naming_cohort(capacity=1)
    services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=1
    )
    waiting = services.register(PersonFactory(), cohort)

    services.expire_due(now=cohort.naming_deadline - dt.timedelta(minutes=1))

    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


# Swap


def test_swapping_passes_the_seat_to_a_colleague_and_nobody_else_moves(
    contact, managers
):
    cohort = CohortFactory(capacity=1)
    seat = RegistrationFactory(cohort=cohort, person=managers[0])
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    successor = services.swap(seat, managers[1], actor=contact)

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, seat.end_reason) == (Status.CANCELLED, "swapped")
    assert (successor.person, successor.status) == (managers[1], Status.CONFIRMED)
    assert waiting.status == Status.WAITLISTED
    assert [e.action for e in seat.events.all()] == [Action.SWAPPED_OUT]
    assert [e.action for e in successor.events.all()] == [Action.SWAPPED_IN]


def test_swapping_a_waitlist_place_keeps_the_place_in_the_queue(contact, managers):
    cohort = CohortFactory(capacity=1)
    fill_up(cohort)
    mine = services.register(managers[0], cohort)
    behind = services.register(PersonFactory(), cohort)

    successor = services.swap(mine, managers[1], actor=contact)

    assert waitlist_position(Registration.objects.get(pk=successor.pk)) == 1
    assert waitlist_position(behind) == 2


def test_swapping_after_the_cohort_started_is_refused(contact, managers):
    started = CohortFactory(starts_on=timezone.localdate())
    seat = RegistrationFactory(cohort=started, person=managers[0])

    with pytest.raises(services.RegistrationError, match="has started"):
        services.swap(seat, managers[1], actor=contact)


def test_swapping_in_someone_already_registered_is_refused(contact, managers):
    cohort = CohortFactory()
    seat = RegistrationFactory(cohort=cohort, person=managers[0])
    RegistrationFactory(cohort=cohort, person=managers[1])

    with pytest.raises(services.AlreadyRegistered):
        services.swap(seat, managers[1], actor=contact)


def test_only_an_employer_contact_of_the_organisation_may_swap(managers):
    seat = RegistrationFactory(person=managers[0])

    with pytest.raises(services.NotAllowed):
        services.swap(seat, managers[1], actor=managers[2])


# Limit, audit, mail


def test_a_person_registering_alone_is_held_to_the_organisations_limit(
    municipality, managers
):
    cohort = CohortFactory(max_seats_per_organisation=1)
    RegistrationFactory(cohort=cohort, person=managers[0], status=Status.WAITLISTED)

    with pytest.raises(services.RegistrationError, match="has used its 1 places"):
        services.register(managers[1], cohort)


def test_an_organiser_cannot_move_someone_past_the_organisations_limit(
    municipality, managers
):
    source = CohortFactory()
    target = CohortFactory(programme=source.programme, max_seats_per_organisation=1)
    RegistrationFactory(cohort=target, person=managers[0])
    moving = RegistrationFactory(cohort=source, person=managers[1])

    with pytest.raises(services.RegistrationError, match="has used its 1 places"):
        services.move(moving, target, actor=None)

    moving.refresh_from_db()
    assert moving.status == Status.CONFIRMED


def test_every_booking_is_in_the_audit_trail_with_the_contact_as_actor(
    contact, municipality, managers
):
    cohort = CohortFactory(capacity=1)

    services.book_for_others(
        cohort, managers[:2], actor=contact, organisation=municipality
    )

    events = RegistrationEvent.objects.order_by("pk")
    assert [(e.registration.person, e.action, e.actor) for e in events] == [
        (managers[0], Action.REGISTERED, contact),
        (managers[1], Action.WAITLISTED, contact),
    ]


def test_booked_people_get_their_receipts_only_after_commit(
    contact, municipality, managers, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.book_for_others(
            cohort, managers[:2], actor=contact, organisation=municipality
        )
        assert mailoutbox == []

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in managers[:2])
