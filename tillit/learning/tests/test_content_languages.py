"""Preparation, assignments and milestones written per content language: the
teacher's forms show one fieldset per language (the organiser's first), save
each language, and a participant reads their language with a fallback."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tillit.core.tests.factories import OrganisationFactory, OrganiserFactory
from tillit.learning.models import Preparation
from tillit.programmes.tests.factories import SessionFactory
from tillit.registrations.tests.factories import RegistrationFactory

from .factories import AssignmentFactory, PreparationFactory

pytestmark = pytest.mark.django_db


def _in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _languages(html):
    return re.findall(r'language-version" data-language="(\w+)"', html)


@pytest.fixture
def session():
    return SessionFactory(
        cohort__programme__organiser=OrganisationFactory(country="FI")
    )


@pytest.fixture
def organiser(session):
    return OrganiserFactory(organiser_of=session.cohort.programme.organiser)


def test_preparation_form_has_a_fieldset_per_language_and_saves_each(
    client, session, organiser
):
    client.force_login(organiser)
    url = reverse("learning:preparation-edit", args=[session.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "text_fi": "Lue raportti.",
            "text_sv": "Läs rapporten.",
            "text_en": "",
            "links": "",
            "save": "1",
        },
    )

    assert _languages(page) == ["fi", "sv", "en"]
    assert response.status_code == 302
    preparation = Preparation.objects.get(session=session)
    assert (preparation.text_fi, preparation.text_sv) == (
        "Lue raportti.",
        "Läs rapporten.",
    )


def test_assignment_and_milestone_forms_save_each_language(client, session, organiser):
    client.force_login(organiser)
    cohort = session.cohort

    page = client.get(reverse("learning:assignment-create", args=[cohort.pk]))
    response = client.post(
        reverse("learning:assignment-create", args=[cohort.pk]),
        {
            "kind": "home",
            "title_fi": "Kotitehtävä",
            "title_sv": "Hemuppgift",
            "instructions_fi": "Tee suunnitelma.",
            "instructions_sv": "Gör en plan.",
            "due_at": "2030-05-01T12:00",
            "allowed_types": ["pdf"],
            "max_size_mb": "10",
            "save": "1",
        },
    )
    assignment = cohort.assignments.get()
    edit = client.get(reverse("learning:assignment-edit", args=[assignment.pk]))
    client.post(
        reverse("learning:assignment-edit", args=[assignment.pk]),
        {
            "milestone-title_fi": "Luonnos",
            "milestone-title_sv": "Utkast",
            "milestone-due_at": "2030-04-01T12:00",
            "milestone": "1",
        },
    )

    assert _languages(page.content.decode()) == ["fi", "sv", "en"]
    assert response.status_code == 302
    assert (assignment.title_fi, assignment.title_sv) == ("Kotitehtävä", "Hemuppgift")
    assert assignment.instructions_fi == "Tee suunnitelma."
    # The assignment's texts and the new milestone's, each in three languages.
    assert _languages(edit.content.decode()) == ["fi", "sv", "en"] * 2
    milestone = assignment.milestones.get()
    assert (milestone.title_fi, milestone.title_sv) == ("Luonnos", "Utkast")


def test_a_missing_title_is_refused_beside_the_organisers_language(
    client, session, organiser
):
    client = _in(client, "en")
    client.force_login(organiser)

    response = client.post(
        reverse("learning:assignment-create", args=[session.cohort.pk]),
        {
            "kind": "pre_session",
            "session": session.pk,
            "due_at": "2030-05-01T12:00",
            "max_size_mb": "10",
            "save": "1",
        },
    )

    assert response.status_code == 200
    assert 'id="id_title_fi_error"' in response.content.decode()
    assert not session.cohort.assignments.exists()


@pytest.mark.parametrize(
    ("language", "text", "title"),
    [
        ("fi", "Lue raportti.", "Ennakkotehtävä"),
        ("sv", "Läs rapporten.", "Förberedande uppgift"),
    ],
)
def test_participant_reads_preparation_and_assignment_in_their_language(
    client, session, language, text, title
):
    PreparationFactory(
        session=session, text_sv="Läs rapporten.", text_fi="Lue raportti.", text_en=""
    )
    AssignmentFactory(
        session=session,
        title_sv="Förberedande uppgift",
        title_fi="Ennakkotehtävä",
        title_en="",
    )
    participant = RegistrationFactory(cohort=session.cohort).person
    client = _in(client, language)
    client.force_login(participant)

    html = client.get(reverse("learning:session", args=[session.pk])).content.decode()

    assert text in html
    assert title in html


def test_finnish_participant_reads_swedish_where_no_finnish_is_written(client, session):
    PreparationFactory(
        session=session, text_sv="Läs rapporten.", text_fi="", text_en=""
    )
    participant = RegistrationFactory(cohort=session.cohort).person
    client = _in(client, "fi")
    client.force_login(participant)

    html = client.get(reverse("learning:session", args=[session.pk])).content.decode()

    assert "Läs rapporten." in html
