"""Cancelling and moving ask first on a page of their own, with the consequence
and a count; a participant cannot cancel a seat in a cohort that has started
(issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations import services
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
CONFIRMED = {"confirmed": "yes"}


def cancel_url(registration):
    return reverse("registrations:registration-cancel", args=[registration.pk])


@pytest.fixture
def person(client):
    person = PersonFactory()
    client.force_login(person)
    return person


def started_cohort():
    today = timezone.localdate()
    return CohortFactory(
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=60),
        registration_opens_at=timezone.now() - dt.timedelta(days=30),
        registration_closes_at=timezone.now() - dt.timedelta(days=8),
    )


def test_my_programmes_links_to_a_confirmation_page_not_a_post(client, person):
    mine = RegistrationFactory(person=person)

    html = client.get(reverse("registrations:my-programmes")).content.decode()

    assert f'href="{cancel_url(mine)}?next=my-programmes"' in html
    assert f'action="{cancel_url(mine)}"' not in html


def test_cancelling_ones_seat_asks_first_with_what_is_lost_and_who_gets_it(
    client, person
):
    cohort = CohortFactory(capacity=1)
    mine = RegistrationFactory(cohort=cohort, person=person)
    RegistrationFactory.create_batch(2, cohort=cohort, status=Status.WAITLISTED)
    SessionFactory.create_batch(3, cohort=cohort)

    page = client.get(cancel_url(mine), {"next": "my-programmes"})

    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert page.status_code == 200
    assert "the 3 sessions still to come" in page.text
    assert "the first of the 2 people waiting" in page.text
    assert '<input type="hidden" name="next" value="my-programmes">' in page.text
    assert 'name="confirmed" value="yes"' in page.text


def test_a_post_without_the_confirmation_cancels_nothing(client, person):
    mine = RegistrationFactory(person=person)

    response = client.post(cancel_url(mine), {"next": "my-programmes"})

    mine.refresh_from_db()
    assert response.status_code == 200
    assert mine.status == Status.CONFIRMED
    assert 'name="confirmed" value="yes"' in response.text


def test_an_htmx_post_without_the_confirmation_goes_to_the_confirmation_page(
    client, person
):
    mine = RegistrationFactory(person=person)

    response = client.post(cancel_url(mine), headers={"HX-Request": "true"})

    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert response["HX-Redirect"] == cancel_url(mine)


def test_the_confirmed_post_cancels_and_returns_to_my_programmes(client, person):
    mine = RegistrationFactory(person=person)

    response = client.post(cancel_url(mine), {"next": "my-programmes"} | CONFIRMED)

    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert response["Location"] == reverse("registrations:my-programmes")


def test_a_participant_cannot_cancel_a_seat_in_a_started_cohort(client, person):
    mine = RegistrationFactory(cohort=started_cohort(), person=person)

    page = client.get(cancel_url(mine))
    posted = client.post(cancel_url(mine), CONFIRMED, follow=True)
    programmes = client.get(reverse("registrations:my-programmes"))

    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert "has started, so you cannot cancel your seat yourself" in page.text
    assert 'id="confirm-button"' not in page.text
    assert "has started, so you cannot cancel your seat yourself" in posted.text
    assert cancel_url(mine) not in programmes.text
    assert "Ask the organiser" in programmes.text


def test_the_service_refuses_the_participant_but_not_the_organiser():
    mine = RegistrationFactory(cohort=started_cohort())
    organiser = OrganiserFactory(organiser_of=mine.cohort.programme.organiser)

    with pytest.raises(services.CancelRefused):
        services.cancel(mine)
    with pytest.raises(services.CancelRefused):
        services.cancel(mine, actor=mine.person)
    services.cancel(mine, actor=organiser)

    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED


def test_a_waitlist_place_in_a_started_cohort_can_still_be_left(client, person):
    cohort = started_cohort()
    mine = RegistrationFactory(cohort=cohort, person=person, status=Status.WAITLISTED)

    page = client.get(cancel_url(mine))
    client.post(cancel_url(mine), CONFIRMED)

    mine.refresh_from_db()
    assert "Leave the waitlist?" in page.text
    assert mine.status == Status.CANCELLED


def test_moving_asks_first_with_the_seats_left_in_the_target(client):
    cohort = CohortFactory()
    target = CohortFactory(programme=cohort.programme, capacity=5)
    RegistrationFactory.create_batch(2, cohort=target)
    registration = RegistrationFactory(cohort=cohort, person__first_name="Hugo")
    client.force_login(OrganiserFactory(organiser_of=cohort.programme.organiser))
    url = reverse("registrations:organiser-registration-move", args=[registration.pk])
    choice = {f"move-{registration.pk}-to_cohort": target.pk}

    page = client.get(url, choice)
    client.post(url, choice | CONFIRMED)

    assert "one of the 3 free seats" in page.text
    assert f'name="move-{registration.pk}-to_cohort" value="{target.pk}"' in page.text
    assert target.registrations.filter(person=registration.person).exists()


def test_the_swap_page_says_the_manager_loses_the_place_and_is_told(client):
    manager = PersonFactory(first_name="Ingrid", last_name="Exempel")
    organisation = manager.organisation
    contact = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(contact)
    registration = RegistrationFactory(person=manager)
    client.force_login(contact)

    page = client.get(reverse("registrations:employer-swap", args=[registration.pk]))

    assert "Ingrid Exempel loses the place and is told so by e-mail." in page.text


def test_the_api_refuses_a_participant_cancelling_in_a_started_cohort():
    mine = RegistrationFactory(cohort=started_cohort())
    api = APIClient()
    api.force_authenticate(mine.person)

    response = api.post(reverse("api:registration-cancel", args=[mine.pk]))

    mine.refresh_from_db()
    assert response.status_code == 409
    assert "has started" in str(response.json())
    assert mine.status == Status.CONFIRMED


def test_the_organiser_is_told_a_running_cohorts_participant_loses_the_material(
    client,
):
    seat = RegistrationFactory(cohort=started_cohort(), person__first_name="Jonas")
    organiser = OrganiserFactory(organiser_of=seat.cohort.programme.organiser)
    client.force_login(organiser)
    url = reverse("registrations:organiser-registration-cancel", args=[seat.pk])

    page = client.get(url)
    client.post(url, CONFIRMED)

    seat.refresh_from_db()
    assert "can no longer open its sessions, material and assignments" in page.text
    assert seat.status == Status.CANCELLED
