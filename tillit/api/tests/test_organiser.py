import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def cohorts_url(programme):
    return reverse("api:organiser-cohorts", args=[programme.pk])


def registrations_url(cohort):
    return reverse("api:organiser-cohort-registrations", args=[cohort.pk])


def new_cohort(**changes):
    today = timezone.localdate()
    now = timezone.now()
    data = {
        "name": "Hösten 2027",
        "starts_on": (today + dt.timedelta(days=60)).isoformat(),
        "ends_on": (today + dt.timedelta(days=120)).isoformat(),
        "capacity": 30,
        "registration_opens_at": now.isoformat(),
        "registration_closes_at": (now + dt.timedelta(days=30)).isoformat(),
        "location": "Stockholm",
        "waitlist_enabled": True,
    }
    return data | changes


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def organiser(api, programme):
    person = OrganiserFactory(organiser_of=programme.organiser)
    api.force_authenticate(person)
    return person


def test_organiser_creates_a_cohort_and_gets_201(api, organiser, programme):
    data = new_cohort(online_link="https://meet.example.org/hosten")

    response = api.post(cohorts_url(programme), data, format="json")

    assert response.status_code == 201
    cohort = Cohort.objects.get(programme=programme)
    assert cohort.online_link == "https://meet.example.org/hosten"
    assert response.json()["id"] == cohort.pk
    assert response.json()["online_link"] == cohort.online_link
    assert response.json()["availability"]["seats_left"] == 30
    assert response["Location"].endswith(reverse("api:cohort-detail", args=[cohort.pk]))


def test_cohort_ending_before_it_starts_gives_400_beside_the_field(
    api, organiser, programme
):
    data = new_cohort(ends_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())

    response = api.post(cohorts_url(programme), data, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ends_on": ["The cohort cannot end before it starts."]
    }
    assert not Cohort.objects.exists()


def test_cohort_without_required_fields_gives_400(api, organiser, programme):
    response = api.post(cohorts_url(programme), {"name": "Våren"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "capacity" in response.json()["errors"]


def test_cohort_with_no_seats_gives_400(api, organiser, programme):
    response = api.post(cohorts_url(programme), new_cohort(capacity=0), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["capacity"]


def test_other_organisers_cannot_create_cohorts_404(api, programme):
    api.force_authenticate(OrganiserFactory(organiser_of=ProgrammeFactory().organiser))

    response = api.post(cohorts_url(programme), new_cohort(), format="json")

    assert response.status_code == 404
    assert not Cohort.objects.exists()


def test_participants_cannot_create_cohorts_404(api, programme):
    api.force_authenticate(PersonFactory())

    response = api.post(cohorts_url(programme), new_cohort(), format="json")

    assert response.status_code == 404


def test_creating_a_cohort_needs_signing_in_401(api, programme):
    response = api.post(cohorts_url(programme), new_cohort(), format="json")

    assert response.status_code == 401


def test_organiser_lists_cohorts_of_own_programme(api, organiser, programme):
    cohort = CohortFactory(programme=programme)
    CohortFactory()

    response = api.get(cohorts_url(programme))

    assert [c["id"] for c in response.json()["results"]] == [cohort.pk]


def test_organiser_reads_registrations_seats_first_then_waitlist(
    api, organiser, programme
):
    cohort = CohortFactory(programme=programme, capacity=1)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    seat = RegistrationFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED)

    response = api.get(registrations_url(cohort))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [seat.pk, waiting.pk]
    assert [r["waitlist_position"] for r in rows] == [None, 1]
    assert rows[0]["person"]["email"] == seat.person.email
    assert rows[0]["person"]["organisation"] == seat.person.organisation.name


def test_registrations_of_someone_elses_cohort_give_404(api, organiser):
    cohort = CohortFactory()
    RegistrationFactory(cohort=cohort)

    response = api.get(registrations_url(cohort))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_registrations_need_signing_in_401(api):
    response = api.get(registrations_url(CohortFactory()))

    assert response.status_code == 401


def test_registrations_take_the_same_queries_however_many(
    api, organiser, programme, django_assert_num_queries
):
    cohort = CohortFactory(programme=programme, capacity=2)
    RegistrationFactory.create_batch(2, cohort=cohort)
    api.get(registrations_url(cohort))
    RegistrationFactory.create_batch(4, cohort=cohort, status=Status.WAITLISTED)

    # the gate, the count, the page, and the export in the security log
    with django_assert_num_queries(4):
        response = api.get(registrations_url(cohort))

    assert [r["waitlist_position"] for r in response.json()["results"]] == [
        None,
        None,
        1,
        2,
        3,
        4,
    ]
