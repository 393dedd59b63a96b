import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications import services as notifications
from tillit.notifications.models import Notification
from tillit.programmes import services as programme_services
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations import services
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
NOW = dt.datetime(2027, 3, 30, 8, 0, tzinfo=dt.UTC)


def _session(days=1, **kwargs):
    starts = NOW + dt.timedelta(days=days)
    return SessionFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=3), **kwargs
    )


def _participant(session, **kwargs):
    person = PersonFactory(**kwargs)
    RegistrationFactory(cohort=session.cohort, person=person, status=Status.CONFIRMED)
    return person


def test_confirmed_participants_are_reminded_of_a_session_within_two_days(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = _session(days=2)
    participant = _participant(session)
    RegistrationFactory(cohort=session.cohort, status=Status.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        recorded = services.send_session_reminders(now=NOW)

    assert recorded == 1
    assert [m.to for m in mailoutbox] == [[participant.email]]
    assert session.title in mailoutbox[0].body


def test_sessions_further_ahead_or_past_are_not_reminded_of():
    _participant(_session(days=3))
    _participant(_session(days=-1))

    assert services.send_session_reminders(now=NOW) == 0


def test_the_reminder_period_comes_from_settings(settings):
    settings.TILLIT_REMINDER_DAYS = 5
    _participant(_session(days=4))

    assert services.send_session_reminders(now=NOW) == 1


def test_a_session_is_reminded_of_once_however_often_the_job_runs(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = _session()
    _participant(session)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)
        services.send_session_reminders(now=NOW + dt.timedelta(minutes=1))

    assert len(mailoutbox) == 1


def test_a_moved_session_gets_a_fresh_reminder(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = _session()
    _participant(session)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)

    programme_services.update_session(
        session,
        actor=None,
        starts_at=session.starts_at + dt.timedelta(hours=2),
        ends_at=session.ends_at + dt.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW + dt.timedelta(minutes=1))

    assert len(mailoutbox) == 2
    assert Notification.objects.filter(key__endswith=":1").count() == 1


def test_renaming_a_session_does_not_count_as_moving_it():
    session = _session()

    programme_services.update_session(session, actor=None, title="Nytt namn")

    session.refresh_from_db()
    assert session.sequence == 0


def test_a_person_who_turned_reminders_off_gets_none(mailoutbox):
    session = _session()
    person = _participant(session)
    notifications.turn_off(person, notifications.Kind.SESSION_REMINDER)

    services.send_session_reminders(now=NOW)

    assert Notification.objects.get().status == Notification.Status.SKIPPED
    assert mailoutbox == []


def test_the_reminder_shows_the_time_in_the_organisers_time_zone(
    mailoutbox, django_capture_on_commit_callbacks
):
    finnish = ProgrammeFactory(
        organiser=OrganisationFactory(country="FI", name="Valtiokonttori")
    )
    starts = dt.datetime(2027, 3, 31, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    session = SessionFactory(
        cohort=CohortFactory(programme=finnish),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    _participant(session, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)

    assert "at 09:00–12:00 Finnish time" in mailoutbox[0].body


def test_the_reminder_lists_what_to_prepare_and_assignments_due(
    mailoutbox, django_capture_on_commit_callbacks
):
    learning = pytest.importorskip("tillit.learning.models")
    session = _session(location="Medborgarplatsen 3, Stockholm")
    learning.Preparation.objects.create(
        session=session, text="Läs kapitel 3 om styrmodellen."
    )
    learning.Assignment.objects.create(
        cohort=session.cohort,
        session=session,
        title="Reflektion om mål",
        due_at=session.starts_at - dt.timedelta(days=1),
    )
    _participant(session, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)

    body = mailoutbox[0].body
    assert "Before the session:\nLäs kapitel 3 om styrmodellen." in body
    assert "- Reflektion om mål, due" in body
    assert "Place: Medborgarplatsen 3, Stockholm" in body


def test_the_reminder_works_for_a_session_without_preparation(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = _session(link="https://meet.example.org/abc")
    _participant(session, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)

    body = mailoutbox[0].body
    assert "Before the session" not in body
    assert "Link to the session: https://meet.example.org/abc" in body
    assert "Turn off this kind of reminder: http" in body


def test_a_swedish_reminder_reads_in_swedish(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    session = _session(title="Ledning i komplexitet")
    _participant(session, preferred_language="sv", first_name="Karin")

    with django_capture_on_commit_callbacks(execute=True):
        services.send_session_reminders(now=NOW)

    message = mailoutbox[0]
    assert message.subject == "Påminnelse: Ledning i komplexitet den 31 mars"
    assert message.body.startswith("Hej Karin!")
    assert "svensk tid" in message.body
