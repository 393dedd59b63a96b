"""End to end: a real SMTP conversation with a server on the loopback interface."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__(message_class=None)
        self.received = []

    def prepare_message(self, session, envelope):
        self.envelope = envelope
        return email.message_from_bytes(envelope.content, policy=email.policy.default)

    def handle_message(self, message):
        self.received.append(message)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "Tillit <noreply@example.org>"
    yield inbox
    controller.stop()


def test_a_swedish_reminder_arrives_over_smtp(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "sv"
    person = PersonFactory(
        email="karin.lind@example.org", preferred_language="sv", first_name="Karin"
    )
    session = SessionFactory(title="Ledning i komplexitet", location="Rådhuset")

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            person,
            kind=services.Kind.SESSION_REMINDER,
            key="smtp-test",
            template="notifications/email/session_reminder",
            objects={"session": session, "cohort": session.cohort},
        )

    (message,) = smtp_server.received
    assert smtp_server.envelope.rcpt_tos == ["karin.lind@example.org"]
    assert message["To"] == "karin.lind@example.org"
    assert message["From"] == "Tillit <noreply@example.org>"
    assert message["Subject"].startswith("Påminnelse: Ledning i komplexitet den ")
    assert message["List-Unsubscribe"].startswith("<http")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Hej Karin!")
    assert "Plats: Rådhuset" in body
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.subject == message["Subject"]


def test_a_server_that_is_down_leaves_the_mail_queued_for_a_retry(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _free_port(), "timeout": 2},
        }
    }
    session = SessionFactory()
    notification = Notification.objects.create(
        person=PersonFactory(),
        kind=services.Kind.SESSION_REMINDER,
        key="down",
        template="notifications/email/session_reminder",
        objects_ref={
            "session": ["programmes.session", session.pk],
            "cohort": ["programmes.cohort", session.cohort_id],
        },
    )

    assert services.deliver(notification.pk) == "retry"

    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert "ConnectionRefusedError" in notification.last_error
