"""Registrations for cohorts, the waitlist, and exceptions to the target group."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tillit.programmes.models import Cohort, Programme


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def holding_seats(self):
        """Registrations that take a seat: confirmed, held for approval, offered."""
        return self.filter(status__in=Registration.SEAT_STATUSES)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED).order_by(
            "created_at", "pk"
        )


class Registration(models.Model):
    """A person's place in a cohort: a seat, a place on the waitlist, or a
    cancelled registration kept for the record.

    Arrival order is (created_at, pk): both are written under the cohort's lock,
    so the waitlist is first come, first served without a stored position.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Seat held, awaiting approval")
        OFFERED = "offered", _("Seat offered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class EndReason(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled")
        REFUSED = "refused", _("Approval refused")
        LAPSED = "lapsed", _("Approval not given in time")
        DECLINED = "declined", _("Offer declined")
        EXPIRED = "expired", _("Offer not accepted in time")
        MOVED = "moved", _("Moved to another cohort")
        SWAPPED = "swapped", _("Seat passed to a colleague")

    SEAT_STATUSES = (Status.CONFIRMED, Status.HELD, Status.OFFERED)

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("held or offered until"),
        null=True,
        blank=True,
        help_text=_("When a held seat or an offer lapses."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings_made",
        verbose_name=_("booked by"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approvals_asked",
        verbose_name=_("approver"),
        help_text=_("Empty with a held seat: any employer contact may approve."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(
        "registrations.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    reservation = models.ForeignKey(
        "registrations.Reservation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )

    objects = RegistrationQuerySet.as_manager()

    #: 1-based place on the waitlist, None when not waiting: annotated by
    #: selectors.with_waitlist_position, set by services.register().
    waitlist_position: int | None

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=~Q(status="cancelled"),
                name="registration_one_place_per_person",
                violation_error_message=_(
                    "You are already registered for this cohort."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "confirmed",
                        "held",
                        "offered",
                        "waitlisted",
                        "cancelled",
                    ]
                ),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["held", "offered"])
                | Q(expires_at__isnull=False),
                name="registration_hold_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.person} – {self.cohort} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    @property
    def holds_seat(self):
        return self.status in self.SEAT_STATUSES

    # For templates, which compare with these instead of the stored strings.
    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    @property
    def is_offered(self):
        return self.status == self.Status.OFFERED

    @property
    def is_waitlisted(self):
        return self.status == self.Status.WAITLISTED


class Booking(models.Model):
    """One employer contact's booking of several named people in one go. When
    they wait together, the waitlist promotes all of them or none; a booking
    that does not fit never blocks people behind it."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="bookings"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    wait_together = models.BooleanField(_("wait together"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self):
        return f"{self.organisation} – {self.cohort}"


class Reservation(models.Model):
    """Seats an employer contact holds for their organisation and names people
    into before the cohort's naming deadline; `unnamed_seats` counts the seats
    still held without a name. At the deadline they return to the pool."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="reservations"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="reservations"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seats = models.PositiveIntegerField(_("seats reserved"))
    unnamed_seats = models.PositiveIntegerField(_("seats not yet named"))
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(
        _("unnamed seats released"), null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gt=0) & Q(unnamed_seats__lte=F("seats")),
                name="reservation_seats_valid",
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.seats} – {self.cohort}"


class RegistrationEvent(models.Model):
    """The audit trail: every change to a registration, who made it and when."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("Joined the waitlist")
        HELD = "held", _("Seat held for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Approval refused")
        LAPSED = "lapsed", _("Approval not given in time")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        OFFERED = "offered", _("Seat offered")
        ACCEPTED = "accepted", _("Offer accepted")
        DECLINED = "declined", _("Offer declined")
        EXPIRED = "expired", _("Offer expired")
        CANCELLED = "cancelled", _("Cancelled")
        MOVED_OUT = "moved_out", _("Moved to another cohort")
        MOVED_IN = "moved_in", _("Moved from another cohort")
        SWAPPED_OUT = "swapped_out", _("Seat passed to a colleague")
        SWAPPED_IN = "swapped_in", _("Seat taken over from a colleague")
        NAMED = "named", _("Named into a reserved seat")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ExceptionRequest(models.Model):
    """A person outside a programme's target group asks to take part anyway."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="exception_requests"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exception_requests",
    )
    motivation = models.TextField(_("why you want to take part"), max_length=2000)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(
        _("message to the applicant"), max_length=500, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("exception request")
        verbose_name_plural = _("exception requests")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=~Q(status="refused"),
                name="exception_request_one_open_per_person",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.programme} ({self.get_status_display()})"

    # For templates, which compare with these instead of the stored strings.
    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_granted(self):
        return self.status == self.Status.GRANTED

    @property
    def is_refused(self):
        return self.status == self.Status.REFUSED


class CohortMessage(models.Model):
    """An e-mail an organiser sent to some of a cohort's people, kept on the
    cohort. Each recipient's mail is a row of the notifications outbox; this
    row records what was sent, to which group and to how many, as it was when
    it was sent. `key` is unique, so posting the same form twice sends once."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Participants with a confirmed seat")
        WAITLIST = "waitlist", _("People on the waitlist")
        NOT_SUBMITTED = "not_submitted", _("Participants who have not handed in")

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("cohort"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    audience = models.CharField(_("recipients"), max_length=20, choices=Audience)
    # The assignment's title, copied: this app sits below the one of
    # assignments (tillit.learning), so it keeps no key to it.
    assignment_title = models.CharField(_("assignment"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    recipients_count = models.PositiveIntegerField(_("number of recipients"))
    key = models.CharField(_("key"), max_length=100, unique=True)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message to a cohort")
        verbose_name_plural = _("messages to cohorts")

    def __str__(self):
        return f"{self.subject} → {self.cohort} ({self.recipients_count})"

    @property
    def audience_label(self):
        if self.audience == self.Audience.NOT_SUBMITTED and self.assignment_title:
            return _("Have not handed in “%(assignment)s”") % {
                "assignment": self.assignment_title
            }
        return self.get_audience_display()
