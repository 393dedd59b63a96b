"""Employer contacts in the API: book for others, reserve and name, swap, and
their organisations' registrations; nothing of any other organisation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.models import RoleCategory
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory, TargetRuleFactory
from tillit.registrations.models import Registration, Reservation
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
LIST_URL = reverse("api:employer-registrations")


def bookings_url(cohort):
    return reverse("api:employer-bookings", args=[cohort.pk])


def reservations_url(cohort):
    return reverse("api:employer-reservations", args=[cohort.pk])


def name_url(reservation):
    return reverse("api:employer-reservation-name", args=[reservation.pk])


def swap_url(registration):
    return reverse("api:employer-registration-swap", args=[registration.pk])


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality, title="HR-direktör")
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def as_contact(api, contact):
    api.force_authenticate(contact)
    return api


@pytest.fixture
def managers(municipality):
    return PersonFactory.create_batch(3, organisation=municipality)


@pytest.fixture
def other_contact():
    organisation = OrganisationFactory(name="Grannkommunen")
    person = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(person)
    return person


def naming_cohort(**fields):
    return CohortFactory(
        naming_deadline=timezone.now() + dt.timedelta(days=5), **fields
    )


def book(client, cohort, organisation, people, **extra):
    body = {"organisation": organisation.pk, "people": [p.pk for p in people]}
    return client.post(bookings_url(cohort), body | extra, format="json")


def test_booking_for_others_answers_each_persons_outcome(
    as_contact, municipality, managers
):
    cohort = CohortFactory(capacity=2)

    response = book(as_contact, cohort, municipality, managers)

    assert response.status_code == 200
    outcomes = response.json()["outcomes"]
    assert [o["person"]["id"] for o in outcomes] == [m.pk for m in managers]
    assert [o["outcome"] for o in outcomes] == ["seat", "seat", "waitlisted"]
    assert outcomes[0]["person"]["name"] == managers[0].get_full_name()
    assert outcomes[0]["registration"]["status"] == "confirmed"
    assert outcomes[2]["registration"]["waitlist_position"] == 1


def test_booking_refuses_a_person_outside_the_target_group_with_the_reason(
    as_contact, municipality, managers
):
    cohort = CohortFactory()
    TargetRuleFactory(
        programme=cohort.programme, sectors=[], role_categories=["hr_director"]
    )
    managers[1].role_category = RoleCategory.HR_DIRECTOR
    managers[1].save()

    response = book(as_contact, cohort, municipality, managers[:2])

    outcomes = response.json()["outcomes"]
    assert [o["outcome"] for o in outcomes] == ["refused", "seat"]
    assert outcomes[0]["reason"].startswith("Not in the target group")
    assert outcomes[0]["registration"] is None


def test_booking_together_puts_everyone_on_the_waitlist_when_not_all_fit(
    as_contact, municipality, managers
):
    cohort = CohortFactory(capacity=2)

    response = book(as_contact, cohort, municipality, managers, wait_together=True)

    assert [o["outcome"] for o in response.json()["outcomes"]] == ["waitlisted"] * 3


def test_booking_someone_of_another_organisation_names_nobody(
    as_contact, municipality, other_contact
):
    cohort = CohortFactory()

    response = book(as_contact, cohort, municipality, [other_contact])

    outcome = response.json()["outcomes"][0]
    assert outcome["outcome"] == "refused"
    assert outcome["person"] == {"id": other_contact.pk, "name": ""}
    assert not Registration.objects.exists()


def test_booking_for_an_organisation_one_is_no_contact_of_gives_403(
    api, other_contact, municipality, managers
):
    api.force_authenticate(other_contact)

    response = book(api, CohortFactory(), municipality, managers)

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert not Registration.objects.exists()


def test_booking_an_unknown_id_answers_as_for_someone_of_another_organisation(
    as_contact, municipality, other_contact
):
    cohort = CohortFactory()

    unknown = as_contact.post(
        bookings_url(cohort),
        {"organisation": municipality.pk, "people": [999_999]},
        format="json",
    )
    foreign = book(as_contact, cohort, municipality, [other_contact])

    assert unknown.status_code == foreign.status_code == 200
    (unknown_outcome,) = unknown.json()["outcomes"]
    (foreign_outcome,) = foreign.json()["outcomes"]
    assert unknown_outcome["person"] == {"id": 999_999, "name": ""}
    assert {**unknown_outcome, "person": None} == {**foreign_outcome, "person": None}
    assert not Registration.objects.exists()


def test_booking_an_unknown_id_for_an_organisation_one_is_no_contact_of_gives_403(
    api, other_contact, municipality
):
    api.force_authenticate(other_contact)
    body = {"organisation": municipality.pk, "people": [999_999]}

    response = api.post(bookings_url(CohortFactory()), body, format="json")

    assert response.status_code == 403


def test_booking_a_closed_cohort_gives_409(as_contact, municipality, managers):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=2),
    )

    response = book(as_contact, cohort, municipality, managers)

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_booking_without_signing_in_gives_401(api, municipality, managers):
    response = book(api, CohortFactory(), municipality, managers)

    assert response.status_code == 401


def test_reserving_seats_gives_201_with_the_naming_deadline(as_contact, municipality):
    cohort = naming_cohort(capacity=5)

    response = as_contact.post(
        reservations_url(cohort),
        {"organisation": municipality.pk, "seats": 3},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["seats"] == body["unnamed_seats"] == 3
    assert body["naming_deadline"] is not None
    assert Reservation.objects.get().organisation == municipality


def test_reserving_more_seats_than_are_free_gives_409(as_contact, municipality):
    cohort = naming_cohort(capacity=2)

    response = as_contact.post(
        reservations_url(cohort),
        {"organisation": municipality.pk, "seats": 3},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "cohort_full"


def test_reserving_for_another_organisation_gives_403(api, other_contact, municipality):
    api.force_authenticate(other_contact)

    response = api.post(
        reservations_url(naming_cohort()),
        {"organisation": municipality.pk, "seats": 1},
        format="json",
    )

    assert response.status_code == 403
    assert not Reservation.objects.exists()


def test_naming_a_reserved_seat_gives_the_manager_a_confirmed_seat(
    as_contact, municipality, managers, contact
):
    cohort = naming_cohort()
    reservation = Reservation.objects.create(
        cohort=cohort, organisation=municipality, seats=2, unnamed_seats=2
    )

    response = as_contact.post(
        name_url(reservation), {"person": managers[0].pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    reservation.refresh_from_db()
    assert reservation.unnamed_seats == 1


def test_naming_into_another_organisations_reservation_gives_404(
    api, other_contact, municipality, managers
):
    reservation = Reservation.objects.create(
        cohort=naming_cohort(), organisation=municipality, seats=1, unnamed_seats=1
    )
    api.force_authenticate(other_contact)

    response = api.post(
        name_url(reservation), {"person": managers[0].pk}, format="json"
    )

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_naming_someone_of_another_organisation_gives_400(
    as_contact, municipality, other_contact
):
    reservation = Reservation.objects.create(
        cohort=naming_cohort(), organisation=municipality, seats=1, unnamed_seats=1
    )

    response = as_contact.post(
        name_url(reservation), {"person": other_contact.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "registration_error"


def test_swapping_passes_the_seat_to_a_colleague(as_contact, managers):
    seat = RegistrationFactory(person=managers[0])

    response = as_contact.post(
        swap_url(seat), {"person": managers[1].pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    seat.refresh_from_db()
    assert seat.end_reason == Registration.EndReason.SWAPPED
    assert Registration.objects.get(pk=response.json()["id"]).person == managers[1]


def test_swapping_after_the_start_gives_400(as_contact, managers):
    started = CohortFactory(starts_on=timezone.localdate())
    seat = RegistrationFactory(cohort=started, person=managers[0])

    response = as_contact.post(
        swap_url(seat), {"person": managers[1].pk}, format="json"
    )

    assert response.status_code == 400
    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED


def test_swapping_another_organisations_registration_gives_404(
    api, other_contact, managers
):
    seat = RegistrationFactory(person=managers[0])
    api.force_authenticate(other_contact)

    response = api.post(swap_url(seat), {"person": other_contact.pk}, format="json")

    assert response.status_code == 404


def test_the_list_shows_only_my_organisations_registrations(
    as_contact, managers, other_contact
):
    full = CohortFactory(capacity=1)
    seat = RegistrationFactory(cohort=full, person=managers[0])
    waiting = RegistrationFactory(
        cohort=full, person=managers[1], status=Status.WAITLISTED
    )
    RegistrationFactory(cohort=full, person=other_contact, status=Status.WAITLISTED)

    response = as_contact.get(LIST_URL)

    assert response.status_code == 200
    listed = {r["id"]: r for r in response.json()["results"]}
    assert set(listed) == {seat.pk, waiting.pk}
    assert listed[waiting.pk]["waitlist_position"] == 1
    assert listed[seat.pk]["person"]["email"] == managers[0].email


def test_the_list_filters_by_status(as_contact, managers):
    RegistrationFactory(person=managers[0])
    waiting = RegistrationFactory(person=managers[1], status=Status.WAITLISTED)

    response = as_contact.get(LIST_URL, {"status": "waitlisted"})

    assert [r["id"] for r in response.json()["results"]] == [waiting.pk]


def test_someone_who_is_no_employer_contact_sees_an_empty_list(api, managers):
    RegistrationFactory(person=managers[0])
    api.force_authenticate(managers[1])

    response = api.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_list_takes_two_queries_however_many_registrations(
    as_contact, municipality, django_assert_num_queries
):
    for person in PersonFactory.create_batch(7, organisation=municipality):
        RegistrationFactory(person=person, booked_by=person)

    # the count, the page, and the export in the security log
    with django_assert_num_queries(3):
        response = as_contact.get(LIST_URL)

    assert response.json()["count"] == 7
