"""The printable participant list and attendance sheet (A4 PDFs)."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from tillit.core import timezones
from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.learning import sheets
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
A4 = (595, 842)  # points, portrait


def text_of(body):
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cohort():
    return CohortFactory(name="Våren 2027")


def participants(cohort, n):
    people = PersonFactory.create_batch(n, password=None)
    for person in people:
        RegistrationFactory(cohort=cohort, person=person)
    return people


def sessions(cohort, n):
    start = timezone.now() + dt.timedelta(days=30)
    return [
        SessionFactory(cohort=cohort, starts_at=start + dt.timedelta(weeks=week))
        for week in range(n)
    ]


def test_the_participant_list_names_each_participant_with_organisation_and_email(
    cohort,
):
    ada = PersonFactory(
        first_name="Åsa", last_name="Öberg", title="Förvaltningschef", password=None
    )
    RegistrationFactory(cohort=cohort, person=ada)

    reader, text = text_of(sheets.participant_list_pdf(cohort, language="sv"))

    assert "Åsa Öberg" in text
    assert ada.organisation.name in text
    assert "Förvaltningschef" in text
    assert ada.email in text
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == list(A4)


def test_a_long_participant_list_continues_on_pages_with_the_headings_repeated(
    cohort,
):
    participants(cohort, 60)

    reader, _text = text_of(sheets.participant_list_pdf(cohort, language="sv"))

    assert len(reader.pages) > 1
    for page in reader.pages:
        page_text = page.extract_text()
        assert "Deltagarlista" in page_text
        assert "Organisation" in page_text
        assert "E-post" in page_text


def test_the_participant_list_is_in_finnish_for_a_finnish_reader(cohort):
    participants(cohort, 1)

    _reader, text = text_of(sheets.participant_list_pdf(cohort, language="fi"))

    assert "Osallistujaluettelo" in text


def test_the_attendance_sheet_has_a_row_per_participant_and_a_column_per_session(
    cohort,
):
    people = participants(cohort, 3)
    first, second = sessions(cohort, 2)

    reader, text = text_of(sheets.attendance_sheet_pdf(cohort, language="sv"))

    assert "Närvarolista" in text
    assert all(p.get_full_name() in text for p in people)
    assert first.title in text and second.title in text
    zone = timezones.zone_of(cohort.programme.organiser)
    day = timezone.localtime(first.starts_at, zone).date()
    with translation.override("sv"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert width > height  # landscape, room for the signature boxes


def test_a_long_attendance_sheet_repeats_its_headings_on_every_page(cohort):
    participants(cohort, 60)
    (session,) = sessions(cohort, 1)

    reader, _text = text_of(sheets.attendance_sheet_pdf(cohort, language="fi"))

    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "Läsnäololista" in page.extract_text()
        assert session.title in page.extract_text()


def test_many_sessions_continue_on_another_page(cohort):
    participants(cohort, 2)
    many = sessions(cohort, sheets.SESSIONS_PER_PAGE + 1)

    reader, _text = text_of(sheets.attendance_sheet_pdf(cohort, language="en"))

    assert len(reader.pages) == 2
    assert many[-1].title in reader.pages[1].extract_text()
    assert many[-1].title not in reader.pages[0].extract_text()


# Downloads --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["learning:cohort-participants-pdf", "learning:cohort-attendance-pdf"]
)
def test_the_pdfs_are_downloads_that_are_not_cached(client, cohort, name):
    participants(cohort, 1)
    client.force_login(OrganiserFactory(organiser_of=cohort.programme.organiser))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"

    response = client.get(reverse(name, args=[cohort.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "name", ["learning:cohort-participants-pdf", "learning:cohort-attendance-pdf"]
)
def test_the_pdfs_are_not_found_for_another_organisations_organiser(
    client, cohort, name
):
    client.force_login(OrganiserFactory(organiser_of=ProgrammeFactory().organiser))

    response = client.get(reverse(name, args=[cohort.pk]))

    assert response.status_code == 404
