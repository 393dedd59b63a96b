import pytest
from django.urls import reverse

from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind


def test_a_refused_page_is_in_the_security_log(client):
    person = PersonFactory()
    client.force_login(person)
    cohort = CohortFactory()

    client.get(reverse("registrations:organiser-cohort", args=[cohort.pk]))

    event = SecurityEvent.objects.get(kind=Kind.ACCESS_REFUSED)
    assert event.person == person
    assert f"/{cohort.pk}/" in event.detail


def test_an_export_of_a_cohorts_people_is_in_the_security_log(client):
    cohort = CohortFactory()
    organiser = OrganiserFactory(organiser_of=cohort.programme.organiser)
    client.force_login(organiser)

    response = client.get(
        reverse("registrations:organiser-cohort-export", args=[cohort.pk, "xlsx"])
    )

    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.DATA_EXPORTED)
    assert event.person == organiser
    assert "attachment" in event.detail


def test_an_ordinary_page_writes_nothing_to_the_security_log(client):
    client.force_login(PersonFactory())
    before = SecurityEvent.objects.count()  # the sign-in itself

    client.get(reverse("portal:home"))

    assert SecurityEvent.objects.count() == before


def test_a_mistyped_address_is_not_a_refusal(client):
    client.force_login(PersonFactory())

    response = client.get("/organiser/no-such-page/")

    assert response.status_code == 404
    assert not SecurityEvent.objects.filter(kind=Kind.ACCESS_REFUSED).exists()


def test_a_missing_public_page_is_not_a_refusal(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("registrations:programme-detail", args=["no-such"]))

    assert response.status_code == 404
    assert not SecurityEvent.objects.filter(kind=Kind.ACCESS_REFUSED).exists()


def test_another_organisers_cohort_is_a_refusal(client):
    cohort = CohortFactory()
    intruder = OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    client.force_login(intruder)

    client.get(reverse("learning:cohort-participants-pdf", args=[cohort.pk]))

    event = SecurityEvent.objects.get(kind=Kind.ACCESS_REFUSED)
    assert event.person == intruder
    assert event.detail.startswith("404 GET ")


def test_a_participant_list_pdf_is_an_export_of_personal_data(client):
    cohort = CohortFactory()
    organiser = OrganiserFactory(organiser_of=cohort.programme.organiser)
    client.force_login(organiser)

    response = client.get(reverse("learning:cohort-participants-pdf", args=[cohort.pk]))

    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.DATA_EXPORTED)
    assert event.person == organiser
    assert cohort.name in event.detail
    assert ".pdf" in event.detail


def test_an_api_list_of_a_cohorts_people_is_an_export_of_personal_data():
    from rest_framework.test import APIClient

    cohort = CohortFactory()
    organiser = OrganiserFactory(organiser_of=cohort.programme.organiser)
    api = APIClient()
    api.force_authenticate(organiser)

    response = api.get(
        reverse("api:organiser-cohort-registrations", args=[cohort.pk]),
        secure=True,
    )

    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.DATA_EXPORTED)
    assert event.person == organiser
    assert "cohort registrations" in event.detail


def test_the_public_api_list_of_programmes_is_not_an_export(client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(PersonFactory())

    api.get(reverse("api:programme-list"), secure=True)

    assert not SecurityEvent.objects.filter(kind=Kind.DATA_EXPORTED).exists()
