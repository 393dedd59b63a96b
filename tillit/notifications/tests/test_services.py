import datetime as dt
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import Notification, Optout
from tillit.programmes.tests.factories import SessionFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db
Kind = services.Kind
Status = Notification.Status


def _remind(person, session, key="reminder:1"):
    return services.notify(
        person,
        kind=Kind.SESSION_REMINDER,
        key=key,
        template="notifications/email/session_reminder",
        objects={"session": session, "cohort": session.cohort},
        context={"time_zone": "Europe/Stockholm"},
    )


class FailingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.FailingBackend", "OPTIONS": {}}
    }
    return settings


def test_notify_sends_the_mail_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(preferred_language="en")
    session = SessionFactory(title="Strategy and goals")

    with django_capture_on_commit_callbacks(execute=True):
        notification = _remind(person, session)
        assert mailoutbox == []

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 1
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert "Strategy and goals" in mailoutbox[0].subject


def test_a_second_notify_with_the_same_key_records_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    session = SessionFactory()

    with django_capture_on_commit_callbacks(execute=True):
        first = _remind(person, session)
        second = _remind(person, session)

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_rolled_back_transaction_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _remind(PersonFactory(), SessionFactory())

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_mail_is_rendered_in_the_recipients_language(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "sv"
    swede = PersonFactory(preferred_language="sv", first_name="Astrid")
    briton = PersonFactory(preferred_language="en", first_name="Jane")
    session = SessionFactory(title="Ledning i komplexitet")

    with django_capture_on_commit_callbacks(execute=True):
        _remind(swede, session, key="a")
        _remind(briton, session, key="b")

    swedish, english = mailoutbox
    assert swedish.subject.startswith("Påminnelse: Ledning i komplexitet")
    assert "Hej Astrid" in swedish.body
    assert english.subject.startswith("Reminder: Ledning i komplexitet")
    assert "Hello Jane" in english.body


def test_an_unknown_preferred_language_falls_back_to_the_site_language(settings):
    settings.LANGUAGE_CODE = "sv"

    assert services.language_for(PersonFactory.build(preferred_language="de")) == "sv"
    assert services.language_for(PersonFactory.build(preferred_language="en")) == "en"


def test_a_turned_off_kind_is_recorded_as_skipped_and_not_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    services.set_wanted_kinds(person, [Kind.ASSIGNMENT_DUE])

    with django_capture_on_commit_callbacks(execute=True):
        notification = _remind(person, SessionFactory())

    assert notification.status == Status.SKIPPED
    assert mailoutbox == []


def test_a_kind_turned_off_after_recording_is_not_sent(mailoutbox):
    notification = NotificationFactory()
    services.turn_off(notification.person, Kind.SESSION_REMINDER)

    services.deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.SKIPPED
    assert mailoutbox == []


def test_transactional_mail_cannot_be_turned_off():
    person = PersonFactory()

    with pytest.raises(services.NotificationError):
        services.turn_off(person, Kind.REGISTRATION_CONFIRMED)
    services.set_wanted_kinds(person, [])

    assert services.wants(person, Kind.REGISTRATION_CONFIRMED)
    assert not services.wants(person, Kind.SESSION_REMINDER)
    assert set(Optout.objects.values_list("kind", flat=True)) == {
        Kind.SESSION_REMINDER,
        Kind.ASSIGNMENT_DUE,
        Kind.EVALUATION_INVITATION,
        Kind.MENTORING_MEETING_REMINDER,
        Kind.NETWORK_ANNOUNCEMENT,
        Kind.EVENT_INVITATION,
        Kind.EVENT_REMINDER,
    }


def test_notify_refuses_an_unsaved_object():
    with pytest.raises(services.NotificationError):
        _remind(PersonFactory(), SessionFactory.build())


def test_running_the_task_twice_sends_the_mail_once(mailoutbox):
    notification = NotificationFactory()

    first = services.deliver(notification.pk)
    second = services.deliver(notification.pk)

    assert (first, second) == ("sent", "nothing to do")
    assert len(mailoutbox) == 1


def test_a_notification_being_sent_by_another_worker_is_left_alone(mailoutbox):
    notification = NotificationFactory(status=Status.SENDING)

    assert services.deliver(notification.pk) == "nothing to do"
    assert mailoutbox == []


def test_a_failed_send_is_recorded_and_retried_later(failing_mail):
    notification = NotificationFactory()

    result = services.deliver(notification.pk)

    notification.refresh_from_db()
    assert result == "retry"
    assert notification.status == Status.QUEUED
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert notification.next_attempt_at > timezone.now()


def test_a_retry_does_not_run_before_its_time(failing_mail, mailoutbox):
    notification = NotificationFactory()
    services.deliver(notification.pk)

    assert services.deliver(notification.pk) == "nothing to do"

    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_retry_after_the_server_recovers_sends_the_mail_once(
    failing_mail, settings, mailoutbox
):
    notification = NotificationFactory()
    services.deliver(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    mail.outbox = []

    assert services.deliver(notification.pk) == "sent"
    assert services.deliver(notification.pk) == "nothing to do"

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 2
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_notification_is_marked_failed(failing_mail):
    notification = NotificationFactory(attempts=services.MAX_ATTEMPTS - 1)

    assert services.deliver(notification.pk) == "failed"

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == services.MAX_ATTEMPTS
    assert notification.next_attempt_at is None


def test_retries_wait_longer_each_time(failing_mail):
    notification = NotificationFactory(attempts=2)
    before = timezone.now()

    services.deliver(notification.pk)

    notification.refresh_from_db()
    wait = notification.next_attempt_at - before
    assert dt.timedelta(minutes=29) < wait <= dt.timedelta(minutes=31)


def test_a_notification_about_a_deleted_object_is_skipped(mailoutbox):
    notification = NotificationFactory()
    session_pk = notification.objects_ref["session"][1]
    SessionFactory._meta.model.objects.filter(pk=session_pk).delete()

    assert services.deliver(notification.pk) == "skipped"

    notification.refresh_from_db()
    assert notification.status == Status.SKIPPED
    assert "gone" in notification.last_error
    assert mailoutbox == []


def test_send_due_queues_a_retry_whose_task_was_lost(mailoutbox):
    now = timezone.now()
    lost = NotificationFactory(
        attempts=1, next_attempt_at=now - dt.timedelta(minutes=10)
    )
    waiting = NotificationFactory(attempts=1, next_attempt_at=now + dt.timedelta(1))

    assert services.send_due(now=now) == 1

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == Status.SENT
    assert waiting.status == Status.QUEUED


def test_send_due_never_resends_a_mail_interrupted_after_the_hand_over(mailoutbox):
    now = timezone.now()
    interrupted = NotificationFactory(
        status=Status.SENDING,
        claimed_at=now - dt.timedelta(hours=1),
        handed_over_at=now - dt.timedelta(hours=1),
    )

    services.send_due(now=now)

    interrupted.refresh_from_db()
    assert interrupted.status == Status.UNKNOWN
    assert mailoutbox == []


def test_retry_failed_queues_only_failed_notifications(
    mailoutbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(status=Status.FAILED, attempts=5)
    sent = NotificationFactory(status=Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        count = services.retry_failed(Notification.objects.all())

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert count == 1
    assert failed.status == Status.SENT
    assert sent.status == Status.SENT
    assert len(mailoutbox) == 1


def test_reminder_mail_carries_a_working_unsubscribe_link(mailoutbox, client):
    notification = NotificationFactory()
    services.deliver(notification.pk)
    message = mailoutbox[0]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")

    # The header's and the body's links are signed separately, so their
    # timestamps may differ by a second; both name the same person and kind.
    assert link.rsplit(":", 2)[0] in message.body
    response = client.post(urlsplit(link).path)

    assert response.status_code == 200
    assert not services.wants(notification.person, Kind.SESSION_REMINDER)


def test_transactional_mail_has_no_unsubscribe_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    from tillit.programmes.tests.factories import CohortFactory
    from tillit.registrations import services as registrations

    with django_capture_on_commit_callbacks(execute=True):
        registrations.register(PersonFactory(), CohortFactory())

    assert len(mailoutbox) == 1
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers
    assert Notification.objects.get().kind == Kind.REGISTRATION_CONFIRMED


def test_a_registration_receipt_is_recorded_once_per_status(
    mailoutbox, django_capture_on_commit_callbacks
):
    from tillit.programmes.tests.factories import CohortFactory
    from tillit.registrations import emails
    from tillit.registrations import services as registrations

    with django_capture_on_commit_callbacks(execute=True):
        registration = registrations.register(PersonFactory(), CohortFactory())
        emails.send_registration_receipt(registration.pk)

    assert len(mailoutbox) == 1


def test_a_mail_that_cannot_be_rendered_is_marked_failed_not_retried(mailoutbox):
    notification = NotificationFactory(template="notifications/email/missing")

    assert services.deliver(notification.pk) == "failed"

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "TemplateDoesNotExist" in notification.last_error
    assert mailoutbox == []
