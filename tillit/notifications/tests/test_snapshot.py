"""A mail states the facts of the moment it was recorded, not of when it is sent."""

import pytest
from django.conf import settings as django_settings

from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _remind(person, session):
    return services.notify(
        person,
        kind=services.Kind.SESSION_REMINDER,
        key=f"reminder:{session.pk}",
        template="notifications/email/session_reminder",
        objects={"session": session, "cohort": session.cohort},
        context={"time_zone": "Europe/Stockholm"},
    )


def test_a_mail_is_rendered_when_it_is_recorded(settings):
    person = PersonFactory(preferred_language="en", first_name="Jane")

    notification = _remind(person, SessionFactory(title="Ledning i komplexitet"))

    notification.refresh_from_db()
    assert notification.language == "en"
    assert notification.subject.startswith("Reminder: Ledning i komplexitet")
    assert "Hello Jane" in notification.body


def test_a_mail_sent_later_states_what_was_true_when_it_was_recorded(mailoutbox):
    person = PersonFactory(preferred_language="en")
    session = SessionFactory(title="Ledning i komplexitet")
    notification = _remind(person, session)

    session.title = "Styrmodellen"
    session.save()
    person.preferred_language = "sv"
    person.save()
    services.deliver(notification.pk)

    (mail,) = mailoutbox
    assert mail.subject.startswith("Reminder: Ledning i komplexitet")
    assert "Styrmodellen" not in mail.body
    assert Notification.objects.get(pk=notification.pk).status == "sent"


def test_a_recorded_mail_about_a_deleted_object_is_still_skipped(mailoutbox):
    session = SessionFactory()
    notification = _remind(PersonFactory(), session)

    session.delete()

    assert services.deliver(notification.pk) == "skipped"
    assert mailoutbox == []


def test_a_recorded_reminder_keeps_its_unsubscribe_header(mailoutbox):
    notification = _remind(PersonFactory(), SessionFactory())

    services.deliver(notification.pk)

    (mail,) = mailoutbox
    assert mail.extra_headers["List-Unsubscribe"].startswith(
        f"<{django_settings.SITE_URL.rstrip('/')}"
    )
    assert "List-Unsubscribe-Post" in mail.extra_headers
