"""E-mail from Tillit: record a notification, send it from a background task.

Other apps call `notify()`; it records an outbox row (at most one per key) with
the mail rendered in the recipient's language, so the mail states the facts of
that moment, and once the surrounding transaction commits enqueues
`tasks.deliver`. A caller on a busy path (the registration receipt) records the
facts instead (`render_now=False`: the context as JSON, the language) and the
task renders the mail from them before it sends it. The task claims the row and
sends the mail; an SMTP failure is recorded and retried later with backoff, up
to MAX_ATTEMPTS.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tillit.core.errors import DomainError
from tillit.core.models import Person

from .models import OPTIONAL_KINDS, CalendarFeed, Notification, Optout

if TYPE_CHECKING:
    from django.tasks import TaskResult

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = Notification.Status

#: Attempts before a notification is marked failed.
MAX_ATTEMPTS = 5
#: Minutes to wait before attempt 2, 3, 4, 5.
BACKOFF_MINUTES = (1, 5, 30, 120)
#: A queued notification still waiting this long after it was due lost its task.
LOST_AFTER = timedelta(minutes=5)
UNSUBSCRIBE_SALT = "tillit.notifications.unsubscribe"


class NotificationError(DomainError):
    """A notification that cannot be recorded (a programming error)."""


# Recording ----------------------------------------------------------------------


def notify(
    person: Person,
    *,
    kind: str,
    key: str,
    template: str,
    objects: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    render_now: bool = True,
) -> Notification | None:
    """Record a mail for `person` and send it after the transaction commits.

    The mail is rendered now, from `objects` and `context` as they are, and sent
    as rendered: it tells what was true when it was recorded. `objects` maps
    template names to saved model instances; the task checks they still exist
    (a mail about a deleted object is skipped). `context` must be
    JSON-serialisable (dates and times are kept as such). Returns the new
    Notification, or None when one with `key` already exists (nothing is sent
    twice). A kind the person turned off is recorded as skipped and not sent.

    `render_now=False` keeps the same promise at a fraction of the cost: the
    caller puts every fact the mail tells into `context` (it wins over `objects`
    of the same name when the mail is rendered), the person's language is
    recorded, and the task that sends the mail renders it from them, once (its
    retries send what it rendered). One insert, no template.
    """
    kind = Kind(kind)
    refs = {name: _ref(instance) for name, instance in (objects or {}).items()}
    status = Status.QUEUED if wants(person, kind) else Status.SKIPPED
    if not render_now:
        notification = _record_facts(
            person,
            kind=kind,
            key=key,
            template=template,
            refs=refs,
            status=status,
            context=context,
        )
        if notification is not None and status == Status.QUEUED:
            transaction.on_commit(partial(enqueue, notification.pk))
        return notification
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                key=key,
                defaults={
                    "person": person,
                    "kind": kind,
                    "template": template,
                    "objects_ref": refs,
                    "context": _to_json(context or {}),
                    "status": status,
                },
            )
    except IntegrityError:  # a concurrent notify() with the same key won
        return None
    if not created:
        return None
    if status == Status.QUEUED:
        _snapshot(notification, dict(objects or {}))
        transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def _record_facts(
    person: Person,
    *,
    kind: str,
    key: str,
    template: str,
    refs: dict[str, list[Any]],
    status: str,
    context: Mapping[str, Any] | None,
) -> Notification | None:
    """Insert the row of a mail rendered when sent (notify(render_now=False)):
    one statement, no read of the key first; None when the key exists."""
    notification = Notification(
        person=person,
        kind=kind,
        key=key,
        template=template,
        objects_ref=refs,
        context=_to_json(context or {}),
        status=status,
        language=language_for(person),
    )
    try:
        if connection.in_atomic_block:  # keep the caller's transaction usable
            with transaction.atomic():
                notification.save(force_insert=True)
        else:
            notification.save(force_insert=True)
    except IntegrityError:  # recorded before, under the same key
        return None
    return notification


def _to_json(value: Any) -> Any:
    """`value` with its dates and times as {"$date": ISO} and {"$datetime": ISO},
    so that a recorded context keeps them (_from_json)."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {name: _to_json(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {name: _from_json(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def preview(
    person: Person,
    *,
    kind: str,
    template: str,
    objects: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """(subject, body) of the mail notify() would record for `person` now, in
    the person's language, without recording anything: what a sender sees
    before asking for it."""
    notification = Notification(
        person=person, kind=Kind(kind), template=template, context=context or {}
    )
    subject, body, _html, _language = _compose(notification, dict(objects or {}))
    return subject, body


def record_rendered(
    person: Person,
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    html: str = "",
    to: str = "",
) -> Notification:
    """Record a mail another library rendered (django-allauth's password reset
    and address confirmation) and send it from the worker like every other
    mail, to `to` when it is not the person's own address."""
    notification = Notification.objects.create(
        person=person,
        kind=Kind(kind),
        key=key,
        template="",
        subject=" ".join(subject.split())[:300],
        body=body,
        html=html,
        language=translation.get_language() or "",
        to_address=to if to.lower() != person.email.lower() else "",
    )
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def _ref(instance: Any) -> list[Any]:
    if not isinstance(instance, models.Model) or instance.pk is None:
        raise NotificationError(f"{instance!r} is not a saved model instance.")
    return [instance._meta.label_lower, instance.pk]


def enqueue(
    notification_pk: int, *, run_after: dt.datetime | None = None
) -> "TaskResult[Any, Any] | None":
    """Queue delivery. A failure to queue is logged, not raised: the row stays
    queued and `send_due` picks it up later."""
    from . import tasks

    task = tasks.deliver
    try:
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        elif run_after is not None:
            return None  # no deferred tasks here: send_due() retries on time
        return task.enqueue(notification_pk)
    except Exception:
        logger.exception("Could not queue notification %s", notification_pk)
        return None


# Preferences --------------------------------------------------------------------


def wants(person: Person, kind: str) -> bool:
    """Whether `person` gets mail of `kind`; only OPTIONAL_KINDS can be off."""
    if kind not in OPTIONAL_KINDS:
        return True
    return not Optout.objects.filter(person=person, kind=kind).exists()


def wanted_kinds(person: Person) -> list[str]:
    off = set(Optout.objects.filter(person=person).values_list("kind", flat=True))
    return [kind for kind in OPTIONAL_KINDS if kind not in off]


@transaction.atomic
def set_wanted_kinds(person: Person, kinds: Iterable[str]) -> None:
    """Turn the optional kinds in `kinds` on and the other optional kinds off."""
    kinds = {Kind(kind) for kind in kinds}
    off = [kind for kind in OPTIONAL_KINDS if kind not in kinds]
    Optout.objects.filter(person=person).exclude(kind__in=off).delete()
    for kind in off:
        Optout.objects.get_or_create(person=person, kind=kind)


def turn_off(person: Person, kind: str) -> None:
    kind = Kind(kind)
    if kind not in OPTIONAL_KINDS:
        raise NotificationError(f"{kind} cannot be turned off.")
    Optout.objects.get_or_create(person=person, kind=kind)


def unsubscribe_token(person: Person, kind: str) -> str:
    return signing.dumps([person.pk, str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(token: str) -> tuple[Person, str]:
    """Turn off the kind a signed link names. Returns (person, kind); raises
    signing.BadSignature for a forged or mangled token and ObjectDoesNotExist
    when the person is gone."""
    person_pk, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    person = apps.get_model(settings.AUTH_USER_MODEL).objects.get(pk=person_pk)
    turn_off(person, kind)
    return person, Kind(kind)


def calendar_feed(person: Person) -> CalendarFeed:
    """The person's calendar feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


def renew_calendar_feed(person: Person) -> CalendarFeed:
    """Give the person a new secret feed address; the old one stops working."""
    from .models import new_feed_token

    feed = calendar_feed(person)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


# Delivery -----------------------------------------------------------------------


def deliver(notification_pk: int) -> str:
    """Send one notification, at most once.

    The row is claimed (queued → sending) under a row lock that concurrent
    workers skip, and the claim commits before the mail leaves, so a second run
    of the same task finds nothing to do. The SMTP conversation happens outside
    any transaction (SQLite would hold its write lock throughout).
    """
    notification = _claim(notification_pk)
    if notification is None:
        return "nothing to do"
    try:
        message = _render(notification)
    except _Gone as gone:
        _finish(notification, Status.SKIPPED, error=str(gone))
        return "skipped"
    except Exception as error:  # a template error: sending again cannot help
        logger.exception("Could not render notification %s", notification.pk)
        _finish(notification, Status.FAILED, error=f"{type(error).__name__}: {error}")
        return "failed"
    if message is None:
        _finish(notification, Status.SKIPPED, error="turned off by the person")
        return "skipped"
    try:
        _hand_over(notification, message)
    except Exception as error:  # SMTP, network and backend errors alike
        logger.warning("Could not send notification %s: %r", notification.pk, error)
        return _fail(notification, error)
    _finish(notification, Status.SENT, subject=str(message.subject))
    return "sent"


def _hand_over(notification: Notification, message: EmailMultiAlternatives) -> None:
    """Connect to the mail server, record the moment the mail is handed over,
    then send it. A worker that dies before handed_over_at is saved has sent
    nothing, so recover_interrupted_mail() may send the mail again; after it,
    the mail may have left, so it is not sent again. The connection waits at
    most EMAIL_TIMEOUT seconds for each answer of the server."""
    connection = mail.get_connection()
    getattr(connection, "open", lambda: None)()
    try:
        notification.handed_over_at = timezone.now()
        notification.save(update_fields=["handed_over_at"])
        connection.send_messages([message])
    finally:
        getattr(connection, "close", lambda: None)()


def _claim(pk: int) -> Notification | None:
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=skip_locked)
            .filter(pk=pk, status=Status.QUEUED)
            .filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
            )
            .first()
        )
        if notification is None:
            return None
        notification.status = Status.SENDING
        notification.attempts += 1
        notification.claimed_at = timezone.now()
        notification.handed_over_at = None
        notification.save(
            update_fields=["status", "attempts", "claimed_at", "handed_over_at"]
        )
    return notification


def _finish(
    notification: Notification, status: str, *, error: str = "", subject: str = ""
) -> None:
    notification.status = status
    notification.sent_at = timezone.now() if status == Status.SENT else None
    notification.next_attempt_at = None
    if subject:
        notification.subject = subject[:300]
    if error:
        notification.last_error = error
    notification.save(
        update_fields=["status", "sent_at", "next_attempt_at", "subject", "last_error"]
    )


def _fail(notification: Notification, error: Exception) -> str:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= MAX_ATTEMPTS:
        notification.status = Status.FAILED
        notification.next_attempt_at = None
    else:
        minutes = BACKOFF_MINUTES[min(notification.attempts, len(BACKOFF_MINUTES)) - 1]
        notification.status = Status.QUEUED
        notification.next_attempt_at = timezone.now() + timedelta(minutes=minutes)
    notification.save(update_fields=["status", "next_attempt_at", "last_error"])
    if notification.status == Status.QUEUED:
        enqueue(notification.pk, run_after=notification.next_attempt_at)
        return "retry"
    logger.error("Gave up on notification %s", notification.pk)
    return "failed"


class _Gone(Exception):
    """An object the mail is about no longer exists."""


def _load_objects(notification: Notification) -> dict[str, Any]:
    loaded = {}
    for name, (label, pk) in notification.objects_ref.items():
        try:
            loaded[name] = apps.get_model(label)._default_manager.get(pk=pk)
        except (LookupError, ObjectDoesNotExist) as error:
            raise _Gone(f"{name} ({label} {pk}) is gone") from error
    return loaded


def language_for(person: Person) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (person.preferred_language or "").split("-")[0].lower()
    return language if language in codes else settings.LANGUAGE_CODE


def _render(notification: Notification) -> EmailMultiAlternatives | None:
    """The message to send, or None when the person has turned the kind off
    since it was recorded. Raises _Gone when an object was deleted. A mail
    rendered when it was recorded is sent as it was rendered; one recorded as
    facts is rendered from them, in the language recorded with them."""
    person = notification.person
    if not person.is_active or not wants(person, notification.kind):
        return None
    objects = _load_objects(notification)
    if not notification.body:
        # Recorded as facts (or its rendering failed then): rendered now, once;
        # kept on the row, so a retry sends the same mail.
        subject, body, html, language = _compose(notification, objects)
        notification.subject, notification.body = subject, body
        notification.html, notification.language = html, language
        notification.save(update_fields=["subject", "body", "html", "language"])
    subject, body, html = notification.subject, notification.body, notification.html
    headers = {}
    if notification.kind in OPTIONAL_KINDS:
        unsubscribe = unsubscribe_url(person, notification.kind)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[notification.to_address or person.email],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def _compose(
    notification: Notification, objects: Mapping[str, Any]
) -> tuple[str, str, str, str]:
    """(subject, body, html, language) of the mail in the person's language
    (the one recorded with it, if any), from the objects as they are now and
    the recorded context, which wins over an object of the same name."""
    person = notification.person
    language = notification.language or language_for(person)
    with translation.override(language):
        context = {
            "person": person,
            "site_url": settings.SITE_URL.rstrip("/"),
            "notification": notification,
            "time_zone": settings.TIME_ZONE,
            **objects,
            **_from_json(notification.context),
        }
        if notification.kind in OPTIONAL_KINDS:
            context["unsubscribe_url"] = unsubscribe_url(person, notification.kind)
            context["settings_url"] = context["site_url"] + reverse(
                "notifications:settings"
            )
        subject = render_to_string(f"{notification.template}_subject.txt", context)
        body: str = render_to_string(f"{notification.template}.txt", context)
        if notification.kind in OPTIONAL_KINDS:
            body = (
                body.rstrip()
                + "\n\n"
                + render_to_string("notifications/email/footer.txt", context)
            )
        html = _render_optional(f"{notification.template}.html", context) or ""
        body, html = _with_privacy_footer(body, html, context)
    return " ".join(subject.split())[:300], body, html, language


def _with_privacy_footer(
    body: str, html: str, context: dict[str, Any]
) -> tuple[str, str]:
    """Every mail ends with a link to the privacy notices (issue 16)."""
    context = {**context, "privacy_url": context["site_url"] + reverse("privacy:index")}
    footer = render_to_string("notifications/email/privacy_footer.txt", context)
    body = body.rstrip() + "\n\n" + footer.strip() + "\n"
    if html:
        link = render_to_string("notifications/email/privacy_footer.html", context)
        end = html.rfind("</body>")
        html = html[:end] + link + html[end:] if end >= 0 else html + link
    return body, html


def _snapshot(notification: Notification, objects: Mapping[str, Any]) -> None:
    """Render the mail now, so it says what was true when it was recorded.
    A mail that cannot be rendered now is rendered when sent (and fails
    there, recorded on the row)."""
    try:
        subject, body, html, language = _compose(notification, objects)
    except Exception:
        logger.exception("Could not render notification %s", notification.pk)
        return
    notification.subject, notification.body = subject, body
    notification.html, notification.language = html, language
    notification.save(update_fields=["subject", "body", "html", "language"])


def unsubscribe_url(person: Person, kind: str) -> str:
    token = unsubscribe_token(person, kind)
    path = reverse("notifications:unsubscribe", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def _render_optional(template_name: str, context: dict[str, Any]) -> str | None:
    try:
        template = get_template(template_name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)


@transaction.atomic
def retry_failed(notifications: QuerySet[Notification]) -> int:
    """Queue failed notifications (and those of unknown outcome) again with
    fresh attempts (an admin's choice: a row interrupted mid-send may then
    reach the person twice). Returns how
    many were queued."""
    pks = list(
        notifications.filter(status__in=[Status.FAILED, Status.UNKNOWN]).values_list(
            "pk", flat=True
        )
    )
    Notification.objects.filter(pk__in=pks).update(
        status=Status.QUEUED,
        attempts=0,
        next_attempt_at=None,
        claimed_at=None,
        handed_over_at=None,
    )
    for pk in pks:
        transaction.on_commit(partial(enqueue, pk))
    return len(pks)


# Periodic jobs -------------------------------------------------------------------


def send_due(now: dt.datetime | None = None) -> int:
    """Recover mail interrupted mid-send (recover_interrupted_mail) and queue
    notifications whose task was lost: a retry overdue by LOST_AFTER, or a
    first attempt that never ran. A periodic job; returns how many were queued."""
    now = now or timezone.now()
    recover_interrupted_mail(now)
    lost = Notification.objects.filter(status=Status.QUEUED).filter(
        Q(next_attempt_at__lte=now - LOST_AFTER)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - LOST_AFTER)
    )
    pks = list(lost.values_list("pk", flat=True)[:500])
    for pk in pks:
        enqueue(pk)
    return len(pks)


def recover_interrupted_mail(
    now: dt.datetime | None = None, *, pks: Iterable[int] | None = None
) -> tuple[int, int]:
    """Rows left "sending" longer than TILLIT_MAIL_STALE_MINUTES were
    interrupted (the worker was killed or the machine stopped). The rule keeps
    "at most once": a mail never handed to the mail server is queued again at
    once; a mail handed over may have reached the person and is marked
    UNKNOWN, not sent again (an administrator may still choose to resend it).
    With `pks` (the mail of a worker seen to die) those rows are recovered
    at once, whatever their age. Returns (queued again, marked unknown)."""
    now = now or timezone.now()
    minutes = getattr(settings, "TILLIT_MAIL_STALE_MINUTES", 10)
    stale = Notification.objects.filter(status=Status.SENDING)
    if pks is None:
        stale = stale.filter(claimed_at__lt=now - timedelta(minutes=minutes))
    else:
        stale = stale.filter(pk__in=pks)
    unknown = stale.filter(handed_over_at__isnull=False).update(
        status=Status.UNKNOWN,
        last_error="Interrupted after it was handed to the mail server; it may "
        "have arrived, so it is not sent again.",
    )
    pks = list(stale.filter(handed_over_at__isnull=True).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=pks, status=Status.SENDING).update(
        status=Status.QUEUED,
        next_attempt_at=None,
        last_error="Interrupted before it reached the mail server; sent again.",
    )
    for pk in pks:
        enqueue(pk)
    return len(pks), unknown


def recover_stuck_tasks(now: dt.datetime | None = None) -> int:
    """Background tasks left "running" by a worker that died: marked failed
    after TILLIT_TASK_STUCK_MINUTES, so they no longer look busy. Their work
    is redone where it matters: mail by recover_interrupted_mail, periodic
    jobs at their next round. (runworker does the same at once for the tasks
    of a db_worker it saw die.) Returns how many were marked."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    minutes = getattr(settings, "TILLIT_TASK_STUCK_MINUTES", 30)
    stuck = DBTaskResult.objects.running().filter(
        started_at__lt=now - timedelta(minutes=minutes)
    )
    return mark_tasks_abandoned(stuck)


def mark_tasks_abandoned(task_results: QuerySet[Any]) -> int:
    """Mark these running task results failed: their worker is gone."""
    return task_results.filter(status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="tillit.notifications.worker.WorkerDied",
        traceback="The worker running this task stopped before it finished.",
    )
