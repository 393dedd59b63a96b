"""The e-mail outbox, what each person wants to hear about, and their calendar feed."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token():
    return secrets.token_urlsafe(24)


class Notification(models.Model):
    """One e-mail to one person, recorded before it is sent.

    `key` is unique, so asking twice for the same mail (the same reminder for the
    same session) records nothing the second time. The mail is rendered in the
    person's language when it is recorded (`subject`, `body`, `html`), so it
    states the facts of that moment however the objects change before a
    background task claims the row and sends it; see services.deliver. A mail
    recorded as facts (`context`, `language`; notify(render_now=False), the
    registration receipt) is rendered from them by that task, once.
    """

    class Kind(models.TextChoices):
        REGISTRATION_CONFIRMED = "registration_confirmed", _("Registration confirmed")
        WAITLIST_PROMOTED = "waitlist_promoted", _("Seat from the waitlist")
        SESSION_REMINDER = "session_reminder", _("Reminder before a session")
        ASSIGNMENT_DUE = "assignment_due", _("Assignment due soon")
        FEEDBACK_GIVEN = "feedback_given", _("Feedback on an assignment")
        CERTIFICATE_READY = "certificate_ready", _("Certificate ready")
        EVALUATION_INVITATION = "evaluation_invitation", _("Invitation to evaluate")
        # Mentoring and rollouts (issue 7).
        MENTORING_MATCHED = "mentoring_matched", _("Mentor match published")
        MENTORING_MEETING_REMINDER = (
            "mentoring_meeting_reminder",
            _("Reminder to meet your mentoring partner"),
        )
        MENTORING_MEETING_CHANGED = (
            "mentoring_meeting_changed",
            _("Mentoring meeting moved or cancelled"),
        )
        ROLLOUT_PUBLISHED = "rollout_published", _("Place in a rollout cohort")
        FOLLOW_UP_DUE = "follow_up_due", _("Follow-up conversation due")
        # Networks, peer groups and events (issue 6).
        NETWORK_INVITATION = "network_invitation", _("Invitation to a network")
        NETWORK_APPLICATION_DECIDED = (
            "network_application_decided",
            _("Decision on a network application"),
        )
        NETWORK_ANNOUNCEMENT = "network_announcement", _("Announcement in a network")
        PEER_GROUP_PUBLISHED = "peer_group_published", _("Your peer group")
        EVENT_INVITATION = "event_invitation", _("Invitation to an event")
        EVENT_REMINDER = "event_reminder", _("Reminder before an event")
        SEAT_PASSED_ON = "seat_passed_on", _("Seat passed to a colleague")
        # Seats offered, held for approval, decided and lapsed (issue 17).
        SEAT_OFFERED = "seat_offered", _("Seat offered from the waitlist")
        APPROVAL_REQUESTED = "approval_requested", _("Request to approve a seat")
        APPROVAL_DECIDED = "approval_decided", _("Decision on a seat awaiting approval")
        SEAT_LAPSED = "seat_lapsed", _("Seat not approved or accepted in time")
        EXCEPTION_DECIDED = "exception_decided", _("Decision on an exception request")
        INVITATION = "invitation", _("Invitation to Tillit")
        ACCOUNT = "account", _("Sign-in and account (password, address)")
        # Organisers message a cohort (issue 14).
        COHORT_MESSAGE = "cohort_message", _("Message from a programme's organiser")
        # Organisers cancel a session or a whole cohort (issue 14).
        CANCELLATION = "cancellation", _("A session or cohort cancelled")
        # A person asks for erasure; their organisation's privacy contact is
        # told (issue 16).
        ERASURE_REQUESTED = (
            "erasure_requested",
            _("Request for erasure of personal data"),
        )

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        # The worker stopped after handing the mail to the SMTP server and
        # before hearing back: it may have reached the person, so it is not
        # sent again (at most once).
        UNKNOWN = "unknown", _("Outcome unknown, not sent again")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    template = models.CharField(_("template"), max_length=200)
    objects_ref = models.JSONField(
        _("objects"),
        default=dict,
        blank=True,
        db_column="objects",
        help_text=_('{"name": ["app_label.model", pk]}, fetched again when sent.'),
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    handed_over_at = models.DateTimeField(
        _("handed to the mail server"),
        null=True,
        blank=True,
        help_text=_("When the worker began giving this mail to the SMTP server."),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    to_address = models.EmailField(
        _("sent to"),
        blank=True,
        help_text=_("Another address than the person's, e.g. a new one to confirm."),
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Rendered when the mail was recorded.")
    )
    html = models.TextField(_("HTML body"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.person} ({self.status})"


#: Kinds a person may turn off. The others answer something the person did
#: (registered, submitted, completed) and are always sent.
OPTIONAL_KINDS = (
    Notification.Kind.SESSION_REMINDER,
    Notification.Kind.ASSIGNMENT_DUE,
    Notification.Kind.EVALUATION_INVITATION,
    Notification.Kind.MENTORING_MEETING_REMINDER,
    Notification.Kind.NETWORK_ANNOUNCEMENT,
    Notification.Kind.EVENT_INVITATION,
    Notification.Kind.EVENT_REMINDER,
)


class Optout(models.Model):
    """A person does not want mail of this kind."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_optouts",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Notification.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("turned-off reminder")
        verbose_name_plural = _("turned-off reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="optout_person_kind_unique"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"


class CalendarFeed(models.Model):
    """The secret address of a person's calendar subscription. Whoever knows it
    can read the person's sessions, so the person can replace it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_feed_token
    )
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.person)
