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
