"""One session, entered by its organiser at 08:00 their time, is the same instant
on the web page, in the reminder e-mail, in the .ics file and in the API: for a
Swedish and a Finnish organiser, on both sides of both daylight-saving changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Session
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

ZONES = {"SE": "Europe/Stockholm", "FI": "Europe/Helsinki"}
# The days before and after the spring (28 March 2027) and autumn (31 October
# 2027) changes.
DAYS = [
    dt.date(2027, 3, 27),
    dt.date(2027, 3, 29),
    dt.date(2027, 10, 30),
    dt.date(2027, 11, 1),
]


def _enter_session(client, country, day):
    """The organiser types 08:00–09:30 into the session form."""
    organiser = OrganisationFactory(country=country, time_zone=ZONES[country])
    cohort = CohortFactory(
        programme=ProgrammeFactory(organiser=organiser),
        starts_on=day - dt.timedelta(days=7),
        ends_on=day + dt.timedelta(days=7),
    )
    client.force_login(OrganiserFactory(organiser_of=organiser, organisation=organiser))
    response = client.post(
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
        {
            "title": "Morgonträff",
            "starts_at": f"{day.isoformat()}T08:00",
            "ends_at": f"{day.isoformat()}T09:30",
            "mode": "online",
            "link": "https://meet.example.org/tillit",
        },
    )
    assert response.status_code == 302
    client.logout()
    return Session.objects.get(cohort=cohort)


@pytest.mark.parametrize("country", ["SE", "FI"])
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_session_is_the_same_instant_on_the_page_in_the_mail_the_ics_and_the_api(
    client, mailoutbox, django_capture_on_commit_callbacks, country, day
):
    zone = ZoneInfo(ZONES[country])
    instant = dt.datetime.combine(day, dt.time(8, 0), zone)

    session = _enter_session(client, country, day)
    participant = PersonFactory(preferred_language="en")
    RegistrationFactory(
        cohort=session.cohort,
        person=participant,
        status=Registration.Status.CONFIRMED,
    )
    page = client.get(session.cohort.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.send_session_reminders(now=instant - dt.timedelta(days=1))
    ics = icalendar.Calendar.from_ical(
        client.get(f"/cohorts/{session.cohort.pk}/calendar.ics").getvalue()
    )
    api = client.get(f"/api/v1/cohorts/{session.cohort.pk}/").json()

    assert session.starts_at == instant
    assert f'datetime="{instant.isoformat()}"' in page
    assert "08:00–09:30" in mailoutbox[0].body
    (event,) = ics.events
    assert event.start == instant
    assert event["DTSTART"].params["TZID"] == ZONES[country]
    assert dt.datetime.fromisoformat(api["sessions"][0]["starts_at"]) == instant
    assert api["sessions"][0]["starts_at"].startswith(f"{day.isoformat()}T08:00")
    assert api["sessions"][0]["time_zone"] == ZONES[country]


def test_a_finnish_organisers_form_names_finnish_time(client):
    ministry = OrganisationFactory(country="FI", time_zone="Europe/Helsinki")
    cohort = CohortFactory(programme=ProgrammeFactory(organiser=ministry))
    client.force_login(OrganiserFactory(organiser_of=ministry, organisation=ministry))

    client.cookies["django_language"] = "en"

    response = client.get(
        reverse("programmes:organiser-session-create", args=[cohort.pk])
    )

    assert "Times are in Finnish time." in response.content.decode()
    assert "Europe/Stockholm" not in response.content.decode()


def test_a_participant_in_stockholm_sees_a_helsinki_meeting_in_both_times(client):
    ministry = OrganisationFactory(country="FI", time_zone="Europe/Helsinki")
    cohort = CohortFactory(programme=ProgrammeFactory(organiser=ministry))
    start = dt.datetime(2027, 2, 2, 8, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    cohort.sessions.create(
        title="Morgonträff", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    swede = PersonFactory(organisation=OrganisationFactory(country="SE"))
    client.force_login(swede)
    client.cookies["django_language"] = "sv"

    page = client.get(cohort.get_absolute_url()).content.decode()

    assert "kl. 08:00–09:00 finsk tid" in page
    assert "07:00–08:00 svensk tid" in page


def test_the_organiser_sees_a_warning_beside_a_session_on_a_public_holiday(client):
    agency = OrganisationFactory(country="SE")
    cohort = CohortFactory(programme=ProgrammeFactory(organiser=agency))
    start = dt.datetime(2027, 12, 26, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    cohort.sessions.create(
        title="Programdag", starts_at=start, ends_at=start + dt.timedelta(hours=6)
    )
    client.force_login(OrganiserFactory(organiser_of=agency))
    client.cookies["django_language"] = "en"

    response = client.get(reverse("registrations:organiser-cohort", args=[cohort.pk]))

    assert "Public holiday: Second Day of Christmas" in response.content.decode()


def test_adding_a_session_on_a_public_holiday_warns_the_organiser(client):
    ministry = OrganisationFactory(country="FI", time_zone="Europe/Helsinki")
    cohort = CohortFactory(programme=ProgrammeFactory(organiser=ministry))
    client.force_login(OrganiserFactory(organiser_of=ministry))
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
        {
            "title": "Programdag",
            "starts_at": "2027-03-29T09:00",
            "ends_at": "2027-03-29T15:00",
            "mode": "online",
            "link": "https://meet.example.org/tillit",
        },
        follow=True,
    )

    assert "falls on a public holiday: Easter Monday." in response.content.decode()


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_finnish_reader_reads_the_helsinki_morning_meeting_in_finnish_everywhere(
    client, mailoutbox, django_capture_on_commit_callbacks, day
):
    instant = dt.datetime.combine(day, dt.time(8, 0), ZoneInfo(ZONES["FI"]))
    session = _enter_session(client, "FI", day)
    participant = PersonFactory(preferred_language="fi")
    RegistrationFactory(
        cohort=session.cohort,
        person=participant,
        status=Registration.Status.CONFIRMED,
    )
    client.force_login(participant)
    client.cookies["django_language"] = "fi"

    page = client.get(session.cohort.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.send_session_reminders(now=instant - dt.timedelta(days=1))
    ics = icalendar.Calendar.from_ical(
        client.get(f"/cohorts/{session.cohort.pk}/calendar.ics").getvalue()
    )

    assert f'datetime="{instant.isoformat()}"' in page
    assert "klo 8.00–9.30 Suomen aikaa" in page
    assert "8.00–9.30" in mailoutbox[0].body
    assert "08:00" not in mailoutbox[0].body
    (event,) = ics.events
    assert event.start == instant
    assert event["DTSTART"].params["TZID"] == ZONES["FI"]
