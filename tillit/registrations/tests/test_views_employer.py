"""The employer contact's pages: their organisations' managers and registrations,
booking several managers, reserving and naming seats, swapping a colleague in;
and the organiser's view of bookings, reservations and exports per organisation."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.core.models import RoleCategory, Unit
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    TargetRuleFactory,
)
from tillit.registrations import selectors, services
from tillit.registrations.models import Registration, RegistrationEvent, Reservation
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
HTMX = {"HX-Request": "true"}
HOME_URL = reverse("registrations:employer-home")
RESERVATIONS_URL = reverse("registrations:employer-reservations")


@pytest.fixture
def client(client):
    """A client that reads the pages in English, whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality, title="HR-direktör")
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def managers(municipality):
    return PersonFactory.create_batch(3, organisation=municipality)


@pytest.fixture
def cohort():
    return CohortFactory(name="Hösten 2027", capacity=30)


@pytest.fixture
def other_contact():
    """An employer contact of another municipality."""
    organisation = OrganisationFactory(name="Grannkommunen")
    person = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(person)
    return person


def book_url(cohort, **query):
    url = reverse("registrations:employer-book", args=[cohort.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def reserve_url(cohort):
    return reverse("registrations:employer-reserve", args=[cohort.pk])


def name_url(reservation):
    return reverse("registrations:employer-name-seat", args=[reservation.pk])


def swap_url(registration):
    return reverse("registrations:employer-swap", args=[registration.pk])


def book_data(people, mode="split"):
    return {"people": [person.pk for person in people], "mode": mode}


def named_cohort(**fields):
    deadline = timezone.now() + dt.timedelta(days=10)
    return CohortFactory(naming_deadline=deadline, **fields)


# The employer area


def test_employer_area_redirects_anonymous_visitors_to_login(client):
    response = client.get(HOME_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_employer_area_is_not_found_for_someone_who_is_no_employer_contact(
    client, managers
):
    client.force_login(managers[0])

    response = client.get(HOME_URL)

    assert response.status_code == 404


def test_employer_area_lists_own_managers_and_their_registrations(
    client, contact, managers, cohort
):
    RegistrationFactory(cohort=cohort, person=managers[0])
    stranger = PersonFactory(first_name="Främling")
    RegistrationFactory(cohort=cohort, person=stranger)
    client.force_login(contact)

    response = client.get(HOME_URL)

    assert response.status_code == 200
    [block] = response.context["organisations"]
    listed = [row["person"] for row in block["managers"]]
    assert set(managers) <= set(listed)
    assert stranger not in listed
    assert stranger.email not in response.text
    assert "Hösten 2027" in response.text


def test_employer_area_shows_waitlist_positions(client, contact, managers):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    services.register(managers[0], cohort)
    client.force_login(contact)

    response = client.get(HOME_URL)

    assert "Waitlist, number 1" in response.text


def test_employer_area_shows_nothing_of_other_organisations(
    client, other_contact, managers, cohort
):
    # A name no other fictional person can have (Faker's common names could
    # belong to the other contact themself).
    managers[0].last_name = "Grannlösdotter"
    managers[0].save(update_fields=["last_name"])
    RegistrationFactory(cohort=cohort, person=managers[0])
    client.force_login(other_contact)

    response = client.get(HOME_URL)

    assert response.status_code == 200
    assert managers[0].email not in response.text
    assert managers[0].last_name not in response.text


def test_employer_area_links_open_cohorts_for_booking(client, contact, cohort):
    closed = CohortFactory(registration_closes_at=timezone.now())
    client.force_login(contact)

    response = client.get(HOME_URL)

    listed = [item["cohort"] for item in response.context["cohorts"]]
    assert cohort in listed
    assert closed not in listed
    assert book_url(cohort) in response.text


def _load_home(client, django_assert_num_queries):
    with django_assert_num_queries(9):
        response = client.get(HOME_URL)
    assert response.status_code == 200


def test_employer_area_queries_do_not_grow_with_managers_and_registrations(
    client, contact, municipality, django_assert_num_queries
):
    cohort = named_cohort()
    RegistrationFactory(cohort=cohort, person=PersonFactory(organisation=municipality))
    client.force_login(contact)
    _load_home(client, django_assert_num_queries)

    unit = Unit.objects.create(organisation=municipality, name="Socialförvaltningen")
    for person in PersonFactory.create_batch(4, organisation=municipality, unit=unit):
        RegistrationFactory(person=person, cohort=cohort)
        RegistrationFactory(person=person, status=Status.WAITLISTED)
    CohortFactory.create_batch(3)
    Reservation.objects.create(
        cohort=cohort, organisation=municipality, seats=2, unnamed_seats=2
    )

    _load_home(client, django_assert_num_queries)


def test_navigation_links_the_employer_area_for_employer_contacts_only(
    client, contact, managers
):
    client.force_login(contact)
    as_contact = client.get(reverse("registrations:my-programmes"))
    client.force_login(managers[0])

    as_manager = client.get(reverse("registrations:my-programmes"))

    assert HOME_URL in as_contact.text
    assert HOME_URL not in as_manager.text


# Book several managers


def test_booking_page_lists_the_organisations_managers_only(
    client, contact, managers, cohort
):
    stranger = PersonFactory()
    client.force_login(contact)

    response = client.get(book_url(cohort))

    people = [row["person"] for row in response.context["rows"]]
    assert set(managers) <= set(people)
    assert stranger not in people


def test_booking_page_is_not_found_for_someone_who_is_no_employer_contact(
    client, managers, cohort
):
    client.force_login(managers[0])

    response = client.get(book_url(cohort))

    assert response.status_code == 404


def test_contact_of_another_organisation_cannot_open_this_ones_booking_page(
    client, other_contact, municipality, cohort
):
    client.force_login(other_contact)

    response = client.get(book_url(cohort, organisation=municipality.pk))

    assert response.status_code == 404


def test_booking_page_filters_managers_by_unit(client, contact, municipality, cohort):
    unit = Unit.objects.create(organisation=municipality, name="Utbildning")
    teacher_boss = PersonFactory(organisation=municipality, unit=unit)
    PersonFactory(organisation=municipality)
    client.force_login(contact)

    response = client.get(
        book_url(cohort, unit=unit.pk), headers=HTMX | {"HX-Target": "people"}
    )

    assert [row["person"] for row in response.context["rows"]] == [teacher_boss]
    assert response.text.lstrip().startswith('<fieldset class="field" id="people"')


def test_booking_answers_each_persons_outcome(client, contact, managers):
    cohort = CohortFactory(capacity=2)
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data(managers))

    outcomes = [row["outcome"].outcome for row in response.context["results"]]
    assert outcomes == ["seat", "seat", "waitlisted"]
    assert response.context["results"][2]["position"] == 1
    assert "Number 1 on the waitlist." in response.text
    statuses = Registration.objects.filter(cohort=cohort).values_list(
        "status", flat=True
    )
    assert sorted(statuses) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]


def test_booking_refuses_a_manager_outside_the_target_group_with_the_reason(
    client, contact, municipality, cohort
):
    TargetRuleFactory(
        programme=cohort.programme, sectors=[], role_categories=["unit_manager"]
    )
    fits = PersonFactory(organisation=municipality)
    outside = PersonFactory(
        organisation=municipality, role_category=RoleCategory.IT_MANAGER
    )
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data([fits, outside]))

    seat, refused = (row["outcome"] for row in response.context["results"])
    assert seat.outcome == "seat"
    assert refused.outcome == "refused"
    assert refused.reason.startswith("Not in the target group")
    assert refused.reason in response.text


def test_booking_together_puts_everyone_on_the_waitlist_when_not_all_fit(
    client, contact, managers
):
    cohort = CohortFactory(capacity=2)
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data(managers, mode="together"))

    outcomes = [row["outcome"].outcome for row in response.context["results"]]
    assert outcomes == ["waitlisted"] * 3
    booking = Registration.objects.filter(cohort=cohort).first().booking
    assert booking.wait_together is True


def test_booking_through_htmx_answers_with_the_booking_fragment(
    client, contact, managers, cohort
):
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data(managers[:1]), headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="booking">')
    assert 'id="results-heading"' in response.text
    assert "<html" not in response.text


def test_booking_nobody_shows_the_error_beside_the_list(client, contact, cohort):
    client.force_login(contact)

    response = client.post(book_url(cohort), {"mode": "split"})

    assert "Choose at least one manager." in response.text
    assert 'aria-describedby="people-error"' in response.text
    assert not Registration.objects.filter(cohort=cohort).exists()


def test_booking_someone_of_another_organisation_books_nobody(
    client, contact, managers, cohort
):
    stranger = PersonFactory()
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data([managers[0], stranger]))

    assert response.context["form"].errors["people"]
    assert not Registration.objects.filter(cohort=cohort).exists()


def test_booking_a_closed_cohort_says_so(client, contact, managers):
    cohort = CohortFactory(registration_closes_at=timezone.now())
    client.force_login(contact)

    response = client.post(book_url(cohort), book_data(managers))

    assert "Registration for this cohort is not open" in response.text
    assert not Registration.objects.filter(cohort=cohort).exists()


def test_booking_page_marks_managers_already_registered(
    client, contact, managers, cohort
):
    RegistrationFactory(cohort=cohort, person=managers[0])
    client.force_login(contact)

    response = client.get(book_url(cohort))

    assert f'id="person-{managers[0].pk}-status"' in response.text
    assert "Already registered: Confirmed" in response.text


def test_booking_page_queries_do_not_grow_with_managers(
    client, contact, municipality, cohort, django_assert_num_queries
):
    client.force_login(contact)
    with django_assert_num_queries(9):
        client.get(book_url(cohort))

    unit = Unit.objects.create(organisation=municipality, name="Kulturförvaltningen")
    for person in PersonFactory.create_batch(5, organisation=municipality, unit=unit):
        RegistrationFactory(cohort=cohort, person=person)

    with django_assert_num_queries(9):
        response = client.get(book_url(cohort))
    assert len(response.context["rows"]) == 6


# Reserve now, name later


def test_reserving_is_not_found_for_a_cohort_without_naming_deadline(
    client, contact, cohort
):
    client.force_login(contact)

    response = client.get(reserve_url(cohort))

    assert response.status_code == 404


def test_reserving_is_not_found_for_someone_who_is_no_employer_contact(
    client, managers
):
    client.force_login(managers[0])

    response = client.get(reserve_url(named_cohort()))

    assert response.status_code == 404


def test_reserving_seats_holds_them_and_goes_to_the_reservations(
    client, contact, municipality
):
    cohort = named_cohort(capacity=10)
    client.force_login(contact)

    response = client.post(
        reserve_url(cohort), {"organisation": municipality.pk, "seats": 3}
    )

    assert response.status_code == 302
    assert response.url == RESERVATIONS_URL
    reservation = Reservation.objects.get(cohort=cohort)
    assert (reservation.seats, reservation.unnamed_seats) == (3, 3)
    assert reservation.organisation == municipality


def test_reserving_more_seats_than_are_free_shows_the_error_beside_the_field(
    client, contact, municipality
):
    cohort = named_cohort(capacity=2)
    client.force_login(contact)

    response = client.post(
        reserve_url(cohort), {"organisation": municipality.pk, "seats": 5}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["seats"] == ["Only 2 seats are free."]
    assert 'id="id_seats_error"' in response.text
    assert not Reservation.objects.exists()


def test_reserving_for_an_organisation_one_is_no_contact_of_is_refused(
    client, other_contact, municipality
):
    cohort = named_cohort()
    client.force_login(other_contact)

    response = client.post(
        reserve_url(cohort), {"organisation": municipality.pk, "seats": 1}
    )

    assert response.context["form"].errors["organisation"]
    assert not Reservation.objects.exists()


@pytest.fixture
def reservation(contact, municipality):
    cohort = named_cohort(capacity=10)
    return services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=2
    )


def test_reservations_page_shows_seats_deadline_and_naming_form(
    client, contact, reservation
):
    client.force_login(contact)

    response = client.get(RESERVATIONS_URL)

    [card] = response.context["cards"]
    assert card["reservation"] == reservation
    assert card["may_name"] is True
    assert name_url(reservation) in response.text


def test_reservations_page_shows_nothing_of_other_organisations(
    client, other_contact, reservation
):
    client.force_login(other_contact)

    response = client.get(RESERVATIONS_URL)

    assert response.context["cards"] == []


def test_naming_a_person_gives_them_a_reserved_seat(
    client, contact, managers, reservation
):
    client.force_login(contact)

    response = client.post(
        name_url(reservation), {f"name-{reservation.pk}-person": managers[0].pk}
    )

    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.unnamed_seats == 1
    registration = Registration.objects.get(person=managers[0])
    assert registration.status == Status.CONFIRMED
    assert registration.reservation == reservation


def test_naming_through_htmx_answers_with_the_reservation_list(
    client, contact, managers, reservation
):
    client.force_login(contact)

    response = client.post(
        name_url(reservation),
        {f"name-{reservation.pk}-person": managers[0].pk},
        headers=HTMX,
    )

    assert response.text.lstrip().startswith('<div id="reservation-list">')
    assert managers[0].get_full_name() in response.text


def test_naming_a_person_outside_the_target_group_shows_the_reason_beside_the_field(
    client, contact, municipality, reservation
):
    TargetRuleFactory(programme=reservation.cohort.programme, sectors=["state"])
    person = PersonFactory(organisation=municipality)
    client.force_login(contact)

    response = client.post(
        name_url(reservation), {f"name-{reservation.pk}-person": person.pk}
    )

    assert response.status_code == 200
    field = f"id_name-{reservation.pk}-person"
    assert f'id="{field}_error"' in response.text
    assert "Not in the target group" in response.text
    reservation.refresh_from_db()
    assert reservation.unnamed_seats == 2


def test_naming_into_another_organisations_reservation_is_not_found(
    client, other_contact, reservation
):
    client.force_login(other_contact)
    colleague = PersonFactory(organisation=other_contact.organisation)

    response = client.post(
        name_url(reservation), {f"name-{reservation.pk}-person": colleague.pk}
    )

    assert response.status_code == 404
    reservation.refresh_from_db()
    assert reservation.unnamed_seats == 2


def test_reservations_page_queries_do_not_grow(
    client, contact, municipality, reservation, django_assert_num_queries
):
    client.force_login(contact)
    with django_assert_num_queries(8):
        client.get(RESERVATIONS_URL)

    for person in PersonFactory.create_batch(2, organisation=municipality):
        services.name_seat(reservation, person, actor=contact)
    PersonFactory.create_batch(3, organisation=municipality)
    services.reserve_seats(
        named_cohort(), actor=contact, organisation=municipality, seats_wanted=1
    )

    with django_assert_num_queries(8):
        client.get(RESERVATIONS_URL)


# Swap a colleague in


def test_swapping_gives_the_seat_to_a_colleague(client, contact, managers, cohort):
    registration = RegistrationFactory(cohort=cohort, person=managers[0])
    client.force_login(contact)

    response = client.post(swap_url(registration), {"new_person": managers[1].pk})

    assert response.status_code == 302
    assert response.url == HOME_URL
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert registration.end_reason == Registration.EndReason.SWAPPED
    successor = Registration.objects.get(cohort=cohort, person=managers[1])
    assert successor.status == Status.CONFIRMED


def test_swap_page_offers_colleagues_not_already_in_the_cohort(
    client, contact, managers, cohort
):
    registration = RegistrationFactory(cohort=cohort, person=managers[0])
    RegistrationFactory(cohort=cohort, person=managers[1])
    client.force_login(contact)

    response = client.get(swap_url(registration))

    offered = response.context["form"].fields["new_person"].people
    assert managers[2].pk in offered
    assert managers[0].pk not in offered
    assert managers[1].pk not in offered


def test_swapping_is_not_found_for_a_contact_of_another_organisation(
    client, other_contact, managers, cohort
):
    registration = RegistrationFactory(cohort=cohort, person=managers[0])
    client.force_login(other_contact)

    response = client.post(swap_url(registration), {"new_person": managers[1].pk})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_swapping_after_the_cohort_started_is_refused(client, contact, managers):
    today = timezone.localdate()
    cohort = CohortFactory(starts_on=today, ends_on=today + dt.timedelta(days=30))
    registration = RegistrationFactory(cohort=cohort, person=managers[0])
    client.force_login(contact)

    response = client.post(swap_url(registration), {"new_person": managers[1].pk})

    assert response.status_code == 200
    assert "can no longer be swapped" in response.text
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# The organiser's view of employer bookings


@pytest.fixture
def organiser(cohort):
    return OrganiserFactory(organiser_of=cohort.programme.organiser)


def organiser_cohort_url(cohort):
    return reverse("registrations:organiser-cohort", args=[cohort.pk])


def test_organiser_page_shows_held_offered_and_reserved_at_a_glance(
    client, organiser, contact, municipality
):
    programme = ProgrammeFactory(
        organiser=organiser.organiser_for.get(), approval=Programme.Approval.EMPLOYER
    )
    cohort = named_cohort(programme=programme, capacity=10)
    services.register(PersonFactory(organisation=municipality), cohort)
    services.reserve_seats(
        cohort, actor=contact, organisation=municipality, seats_wanted=2
    )
    client.force_login(organiser)

    response = client.get(organiser_cohort_url(cohort))

    availability = response.context["availability"]
    assert (availability.held, availability.reserved) == (1, 2)
    assert availability.seats_left == 7
    assert availability == selectors.availability(cohort)
    [row] = response.context["organisations"]
    assert (row.organisation, row.seats, row.reserved) == (municipality, 1, 2)
    [held] = response.context["pending"]
    assert held.status == Status.HELD
    assert "Approver: an employer contact" in response.text


def test_organiser_page_lists_bookings_by_employer_contacts(
    client, organiser, contact, managers, cohort
):
    services.book_for_others(
        cohort, managers, actor=contact, organisation=contact.organisation
    )
    client.force_login(organiser)

    response = client.get(organiser_cohort_url(cohort))

    [(booking, members)] = response.context["bookings"]
    assert booking.booked_by == contact
    assert set(r.person for r in members) == set(managers)


def test_export_per_organisation_lists_only_its_people(
    client, organiser, municipality, cohort
):
    RegistrationFactory.create_batch(
        2, cohort=cohort, person__organisation=municipality
    )
    RegistrationFactory(cohort=cohort, person__last_name="Utomstående")
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, "csv"])
    client.force_login(organiser)

    response = client.get(url, {"organisation": municipality.pk})

    rows = list(
        csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 1 + 2
    assert all(row[5] == "Exempelkommunen" for row in rows[1:])
    assert "exempelkommunen" in response["Content-Disposition"]


def test_export_per_organisation_is_not_found_for_an_unknown_organisation(
    client, organiser, cohort
):
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, "csv"])
    client.force_login(organiser)

    response = client.get(url, {"organisation": "x"})

    assert response.status_code == 404


def test_organiser_sets_waitlist_rule_hold_times_and_naming_deadline(
    client, organiser, cohort
):
    url = reverse("registrations:organiser-cohort-edit", args=[cohort.pk])
    data = {
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "capacity": "30",
        "waitlist_enabled": "on",
        "registration_opens_at": "2026-01-31T09:00",
        "registration_closes_at": "2026-12-31T09:00",
        "waitlist_rule": "offer",
        "offer_hours": "24",
        "approval_hold_hours": "48",
        "naming_deadline": "2026-12-15T12:00",
        "max_seats_per_organisation": "5",
    }
    client.force_login(organiser)

    client.post(url, data)

    cohort.refresh_from_db()
    assert cohort.waitlist_rule == Cohort.WaitlistRule.OFFER
    assert (cohort.offer_hours, cohort.approval_hold_hours) == (24, 48)
    assert cohort.max_seats_per_organisation == 5
    assert timezone.localtime(cohort.naming_deadline).hour == 12


def test_registration_events_record_the_employer_contact_as_actor(
    client, contact, managers, cohort
):
    client.force_login(contact)

    client.post(book_url(cohort), book_data(managers[:1]))

    event = RegistrationEvent.objects.get(registration__person=managers[0])
    assert event.actor == contact
