"""Approvers and offers in the API: the inbox of held seats, approve or refuse,
accept or decline a seat offered from the waitlist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
INBOX_URL = reverse("api:approvals")


def decide_url(registration):
    return reverse("api:approval-decide", args=[registration.pk])


def accept_url(registration):
    return reverse("api:registration-accept-offer", args=[registration.pk])


def decline_url(registration):
    return reverse("api:registration-decline-offer", args=[registration.pk])


def soon(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def municipality():
    return OrganisationFactory()


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality)
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def held(municipality):
    return RegistrationFactory(
        person=PersonFactory(organisation=municipality),
        status=Status.HELD,
        expires_at=soon(),
        cohort=CohortFactory(capacity=1),
    )


def test_the_inbox_lists_held_seats_of_my_organisation(api, contact, held):
    RegistrationFactory(status=Status.HELD, expires_at=soon())  # another's
    RegistrationFactory(person=held.person)  # not held
    api.force_authenticate(contact)

    response = api.get(INBOX_URL)

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [held.pk]


def test_the_inbox_of_a_named_approver_lists_only_their_own(api, municipality):
    manager = PersonFactory(organisation=municipality)
    mine = RegistrationFactory(status=Status.HELD, expires_at=soon(), approver=manager)
    RegistrationFactory(
        person=PersonFactory(organisation=municipality),
        status=Status.HELD,
        expires_at=soon(),
    )
    api.force_authenticate(manager)

    response = api.get(INBOX_URL)

    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_the_inbox_of_an_organiser_lists_their_programmes_held_seats(api, held):
    organiser = OrganiserFactory(organiser_of=held.cohort.programme.organiser)
    api.force_authenticate(organiser)

    response = api.get(INBOX_URL)

    assert [r["id"] for r in response.json()["results"]] == [held.pk]


def test_approving_confirms_the_held_seat(api, contact, held):
    api.force_authenticate(contact)

    response = api.post(decide_url(held), {"approve": True}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    held.refresh_from_db()
    assert held.approved_by == contact


def test_refusing_frees_the_seat_for_the_waitlist(api, contact, held):
    waiting = RegistrationFactory(cohort=held.cohort, status=Status.WAITLISTED)
    api.force_authenticate(contact)

    response = api.post(
        decide_url(held), {"approve": False, "note": "Not this year."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["end_reason"] == "refused"
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_approval_by_another_organisations_contact_gives_403(api, held):
    stranger = PersonFactory()
    stranger.organisation.employer_contacts.add(stranger)
    api.force_authenticate(stranger)

    response = api.post(decide_url(held), {"approve": True}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    held.refresh_from_db()
    assert held.status == Status.HELD


def test_deciding_twice_gives_400(api, contact, held):
    api.force_authenticate(contact)
    api.post(decide_url(held), {"approve": True}, format="json")

    response = api.post(decide_url(held), {"approve": False}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "registration_error"


def test_a_decision_needs_approve(api, contact, held):
    api.force_authenticate(contact)

    response = api.post(decide_url(held), {"note": "Yes"}, format="json")

    assert response.status_code == 400
    assert "approve" in response.json()["errors"]


def test_deciding_an_unknown_registration_gives_404(api, contact):
    api.force_authenticate(contact)

    response = api.post(
        reverse("api:approval-decide", args=[999_999]), {"approve": True}, format="json"
    )

    assert response.status_code == 404


@pytest.fixture
def offer_cohort():
    return CohortFactory(capacity=1, waitlist_rule=Cohort.WaitlistRule.OFFER)


@pytest.fixture
def offered(offer_cohort):
    return RegistrationFactory(
        cohort=offer_cohort, status=Status.OFFERED, expires_at=soon()
    )


def test_accepting_an_offer_confirms_the_seat(api, offered):
    api.force_authenticate(offered.person)

    response = api.post(accept_url(offered))

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"


def test_accepting_an_expired_offer_gives_400(api, offered):
    Registration.objects.filter(pk=offered.pk).update(expires_at=soon(-1))
    api.force_authenticate(offered.person)

    response = api.post(accept_url(offered))

    assert response.status_code == 400
    assert response.json()["message"] == "This offer is no longer open."


def test_declining_an_offer_offers_the_seat_to_the_next(api, offered, offer_cohort):
    waiting = RegistrationFactory(cohort=offer_cohort, status=Status.WAITLISTED)
    api.force_authenticate(offered.person)

    response = api.post(decline_url(offered))

    assert response.status_code == 200
    assert response.json()["end_reason"] == "declined"
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


def test_someone_else_answering_an_offer_gives_403(api, offered):
    api.force_authenticate(PersonFactory())

    accepted = api.post(accept_url(offered))
    declined = api.post(decline_url(offered))

    assert (accepted.status_code, declined.status_code) == (403, 403)
    assert accepted.json()["code"] == "not_allowed"
    offered.refresh_from_db()
    assert offered.status == Status.OFFERED


def test_the_employer_contact_may_accept_for_their_manager(api, offered):
    organisation = offered.person.organisation
    contact = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(contact)
    api.force_authenticate(contact)

    response = api.post(accept_url(offered))

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"


def test_answering_offers_needs_signing_in(api, offered):
    assert api.post(accept_url(offered)).status_code == 401
    assert api.post(decline_url(offered)).status_code == 401


def test_the_inbox_takes_two_queries_however_many_held_seats(
    api, contact, municipality, django_assert_num_queries
):
    for person in PersonFactory.create_batch(6, organisation=municipality):
        RegistrationFactory(
            person=person, status=Status.HELD, expires_at=soon(), booked_by=person
        )
    api.force_authenticate(contact)

    with django_assert_num_queries(2):  # the count and the page
        response = api.get(INBOX_URL)

    assert response.json()["count"] == 6
