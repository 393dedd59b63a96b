import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.programmes.models import Programme
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

PROGRAMMES_URL = reverse("api:programme-list")
COHORTS_URL = reverse("api:cohort-list")


def test_programme_list_is_public_and_shows_published_programmes(api):
    published = ProgrammeFactory(title="Leda välfärdens digitalisering")
    ProgrammeFactory(is_published=False)

    response = api.get(PROGRAMMES_URL)

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [published.pk]


def test_programme_list_filters_by_text_and_format(api):
    wanted = ProgrammeFactory(
        title="Leda välfärdens digitalisering", format=Programme.Format.DIGITAL
    )
    ProgrammeFactory(title="Leda välfärdens digitalisering på plats", format="on_site")
    ProgrammeFactory(title="Strategisk styrning", format=Programme.Format.DIGITAL)

    response = api.get(PROGRAMMES_URL, {"q": "digitalisering", "formats": "digital"})

    assert [p["id"] for p in response.json()["results"]] == [wanted.pk]


def test_programme_list_filters_by_target_group_sector(api):
    for_state = TargetRuleFactory(sectors=["state"]).programme
    TargetRuleFactory(sectors=["municipal"])

    response = api.get(PROGRAMMES_URL, {"sector": "state"})

    assert [p["id"] for p in response.json()["results"]] == [for_state.pk]


def test_programme_list_filters_by_cohort_dates(api):
    soon = CohortFactory(starts_on=timezone.localdate() + dt.timedelta(days=10))
    CohortFactory(starts_on=timezone.localdate() + dt.timedelta(days=200))
    before = (timezone.localdate() + dt.timedelta(days=60)).isoformat()

    response = api.get(PROGRAMMES_URL, {"starts_before": before})

    assert [p["id"] for p in response.json()["results"]] == [soon.programme_id]


def test_programme_list_rejects_an_unknown_format_with_a_field_error(api):
    response = api.get(PROGRAMMES_URL, {"formats": "hologram"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["formats"]


def test_programme_list_takes_the_same_queries_however_many_programmes(
    api, django_assert_num_queries
):
    for _ in range(3):
        CohortFactory(programme=TargetRuleFactory().programme)
    api.get(PROGRAMMES_URL)  # warm up: sessions, content types
    for _ in range(3):
        CohortFactory(programme=TargetRuleFactory().programme)

    # the page's count, programmes, themes
    with django_assert_num_queries(3):
        response = api.get(PROGRAMMES_URL)

    assert len(response.json()["results"]) == 6


def test_programme_detail_shows_upcoming_cohorts_with_availability(api):
    cohort = CohortFactory(capacity=3)
    RegistrationFactory(cohort=cohort)
    CohortFactory(
        programme=cohort.programme,
        starts_on=timezone.localdate() - dt.timedelta(days=100),
        ends_on=timezone.localdate() - dt.timedelta(days=50),
    )

    response = api.get(reverse("api:programme-detail", args=[cohort.programme_id]))

    assert response.status_code == 200
    cohorts = response.json()["cohorts"]
    assert [c["id"] for c in cohorts] == [cohort.pk]
    assert cohorts[0]["availability"]["seats_left"] == 2
    assert cohorts[0]["availability"]["label"] == "2 of 3 seats left"


def test_programme_detail_tells_the_target_group_in_words(api):
    rule = TargetRuleFactory(sectors=["municipal"], role_categories=["hr_director"])

    response = api.get(reverse("api:programme-detail", args=[rule.programme_id]))

    assert response.json()["target_rules"] == ["Municipal · HR director"]


def test_unpublished_programme_is_not_found(api):
    programme = ProgrammeFactory(is_published=False)

    response = api.get(reverse("api:programme-detail", args=[programme.pk]))

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found"}


def test_cohort_list_annotates_availability_in_one_query(
    api, django_assert_num_queries
):
    for capacity in (1, 2, 3, 4):
        RegistrationFactory(cohort=CohortFactory(capacity=capacity))
    api.get(COHORTS_URL)

    with django_assert_num_queries(2):  # count for pagination, then the page
        response = api.get(COHORTS_URL)

    seats_left = [c["availability"]["seats_left"] for c in response.json()["results"]]
    assert sorted(seats_left) == [0, 1, 2, 3]


def test_cohort_list_filters_by_programme(api):
    cohort = CohortFactory()
    CohortFactory()

    response = api.get(COHORTS_URL, {"programme": cohort.programme_id})

    assert [c["id"] for c in response.json()["results"]] == [cohort.pk]


def test_cohort_list_is_paginated(api):
    CohortFactory.create_batch(3)

    response = api.get(COHORTS_URL, {"limit": 2})

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_cohort_detail_has_sessions_and_full_availability(api):
    cohort = CohortFactory(capacity=1, waitlist_enabled=True)
    session = SessionFactory(cohort=cohort, title="Leda i komplexitet")
    RegistrationFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort, status=Registration.Status.WAITLISTED)

    response = api.get(reverse("api:cohort-detail", args=[cohort.pk]))

    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body["sessions"]] == [session.pk]
    availability = body["availability"]
    assert availability["capacity"] == 1
    assert availability["confirmed"] == 1
    assert availability["seats_left"] == 0
    assert availability["waitlisted"] == 1
    assert availability["waitlist_enabled"] is True
    assert availability["registration_open"] is True
    assert availability["label"] == "Fully booked: join the waitlist"
    assert availability["opens_at"] and availability["closes_at"]


def test_cohort_detail_says_registration_is_not_open_yet(api):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=2),
        registration_closes_at=timezone.now() + dt.timedelta(days=9),
    )

    response = api.get(reverse("api:cohort-detail", args=[cohort.pk]))

    assert response.json()["availability"]["registration_open"] is False


def test_cohort_of_an_unpublished_programme_is_not_found(api):
    cohort = CohortFactory(programme__is_published=False)

    response = api.get(reverse("api:cohort-detail", args=[cohort.pk]))

    assert response.status_code == 404


def test_programme_detail_takes_the_same_queries_however_many_cohorts(
    api, django_assert_num_queries
):
    programme = TargetRuleFactory().programme
    RegistrationFactory(cohort=CohortFactory(programme=programme))
    url = reverse("api:programme-detail", args=[programme.pk])
    api.get(url)
    for _ in range(3):
        RegistrationFactory(cohort=CohortFactory(programme=programme))

    # programme, then themes, rules, teachers, contact persons, cohorts
    with django_assert_num_queries(6):
        response = api.get(url)

    assert len(response.json()["cohorts"]) == 4
