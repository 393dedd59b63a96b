"""Cohorts and sessions written per content language: the organiser's forms show
one fieldset per language (the organisation's own first), save each language,
and a visitor reads their language with a fallback."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tillit.core.tests.factories import OrganisationFactory, OrganiserFactory
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _client(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def finnish_programme():
    return ProgrammeFactory(organiser=OrganisationFactory(country="FI"))


@pytest.fixture
def finnish_organiser(finnish_programme):
    return OrganiserFactory(organiser_of=finnish_programme.organiser)


def _fieldset_languages(html):
    return re.findall(
        r'<fieldset class="field language-version" data-language="(\w+)"', html
    )


def test_cohort_form_has_a_fieldset_per_language_the_organisations_first(
    client, finnish_programme, finnish_organiser
):
    client = _client(client, "fi")
    client.force_login(finnish_organiser)

    html = client.get(
        reverse("programmes:organiser-cohort-create", args=[finnish_programme.pk])
    ).content.decode()

    # The cohort's own fieldsets, then one set per session row.
    assert _fieldset_languages(html)[:3] == ["fi", "sv", "en"]
    for name in ("name_fi", "name_sv", "name_en", "location_fi", "location_sv"):
        assert f'name="{name}"' in html
    assert 'name="sessions-0-title_fi"' in html
    assert 'name="sessions-0-location_sv"' in html
    assert 'name="name"' not in html


def test_swedish_organisers_cohort_form_leads_with_swedish(client):
    programme = ProgrammeFactory()
    organiser = OrganiserFactory(organiser_of=programme.organiser)
    cohort = CohortFactory(programme=programme)
    client.force_login(organiser)

    html = client.get(
        reverse("registrations:organiser-cohort-edit", args=[cohort.pk])
    ).content.decode()

    assert _fieldset_languages(html) == ["sv", "fi", "en"]


def test_creating_a_cohort_with_sessions_stores_each_language(
    client, finnish_programme, finnish_organiser
):
    client.force_login(finnish_organiser)
    data = {
        "name_fi": "Syksy 2027",
        "name_sv": "Hösten 2027",
        "name_en": "",
        "location_fi": "Helsinki",
        "location_sv": "Helsingfors",
        "location_en": "",
        "starts_on": "2027-09-02",
        "ends_on": "2027-12-10",
        "capacity": "30",
        "registration_opens_at": "2027-01-31T09:00",
        "registration_closes_at": "2027-08-15T23:59",
        "online_link": "",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-0-title_fi": "Aamukahvit",
        "sessions-0-title_sv": "Morgonträff",
        "sessions-0-title_en": "",
        "sessions-0-location_fi": "",
        "sessions-0-location_sv": "",
        "sessions-0-location_en": "",
        "sessions-0-starts_at": "2027-09-02T08:00",
        "sessions-0-ends_at": "2027-09-02T09:30",
        "sessions-0-mode": "online",
        "sessions-0-link": "https://meet.example.org/fm",
    }

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[finnish_programme.pk]),
        data,
    )

    assert response.status_code == 302
    cohort = Cohort.objects.get(programme=finnish_programme)
    assert (cohort.name_fi, cohort.name_sv, cohort.name_en) == (
        "Syksy 2027",
        "Hösten 2027",
        "",
    )
    assert (cohort.location_fi, cohort.location_sv) == ("Helsinki", "Helsingfors")
    session = cohort.sessions.get()
    assert (session.title_fi, session.title_sv) == ("Aamukahvit", "Morgonträff")


def test_cohort_without_a_name_in_any_language_is_refused_beside_the_first(
    client, finnish_programme, finnish_organiser
):
    client = _client(client, "en")
    client.force_login(finnish_organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[finnish_programme.pk]),
        {"name_fi": "", "name_sv": "", "name_en": "", "capacity": "10"},
    )

    assert response.status_code == 200
    assert 'id="id_name_fi_error"' in response.content.decode()
    assert not Cohort.objects.exists()


def test_editing_a_session_in_one_language_keeps_the_others(
    client, finnish_programme, finnish_organiser
):
    session = SessionFactory(
        cohort=CohortFactory(programme=finnish_programme),
        title_sv="Morgonträff",
        title_fi="Aamukahvit",
    )
    client.force_login(finnish_organiser)
    url = reverse("programmes:organiser-session-edit", args=[session.pk])
    page = client.get(url).content.decode()
    assert _fieldset_languages(page) == ["fi", "sv", "en"]
    assert 'value="Aamukahvit"' in page

    response = client.post(
        url,
        {
            "title_fi": "Aamukahvit ja keskustelu",
            "starts_at": "2027-09-02T08:00",
            "ends_at": "2027-09-02T09:30",
            "mode": "on_site",
            "location_fi": "Snellmaninkatu 1",
            "link": "",
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_fi == "Aamukahvit ja keskustelu"
    assert session.title_sv == "Morgonträff"  # not posted: kept
    assert session.location_fi == "Snellmaninkatu 1"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "Syksy 2027"), ("sv", "Hösten 2027"), ("en", "Hösten 2027")],
)
def test_visitor_reads_the_cohort_in_their_language(client, language, expected):
    cohort = CohortFactory(name_sv="Hösten 2027", name_fi="Syksy 2027", name_en="")
    SessionFactory(
        cohort=cohort, title_sv="Morgonträff", title_fi="Aamukahvit", title_en=""
    )

    html = (
        _client(client, language)
        .get(reverse("registrations:cohort-detail", args=[cohort.pk]))
        .content.decode()
    )

    assert f'<span class="h1-sub">{expected}</span>' in html
    assert ("Aamukahvit" if language == "fi" else "Morgonträff") in html


def test_finnish_visitor_reads_swedish_where_nothing_is_written_in_finnish(client):
    cohort = CohortFactory(name_sv="Hösten 2027", name_fi="", name_en="")
    SessionFactory(cohort=cohort, title_sv="Morgonträff", title_fi="", title_en="")

    html = (
        _client(client, "fi")
        .get(reverse("registrations:cohort-detail", args=[cohort.pk]))
        .content.decode()
    )

    assert '<span class="h1-sub">Hösten 2027</span>' in html
    assert "Morgonträff" in html


def test_a_session_rows_other_languages_are_folded_unless_written(
    client, finnish_programme, finnish_organiser
):
    client.force_login(finnish_organiser)
    url = reverse("programmes:organiser-cohort-create", args=[finnish_programme.pk])

    empty = client.get(url).content.decode()
    refused = client.post(
        url,
        {
            "sessions-TOTAL_FORMS": "2",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-title_sv": "Morgonträff",
        },
    ).content.decode()

    assert empty.count('<details class="field other-languages">') == 6
    row = refused[
        refused.index('id="session-row-1"') : refused.index('id="session-row-2"')
    ]
    assert '<details class="field other-languages" open>' in row
    assert 'value="Morgonträff"' in row
