"""Events: the annual public-leadership day, the morning meetings of a forum.

Each event is backed by a cohort of its organisation's event series (a
programmes.Programme of kind "event series") and by one session of that
cohort: the cohort owns the seats, so registration, the waitlist, offers,
employer bookings, exports and the race guarantees are the registration
services' own; the session owns the time and place, so the personal calendar
feed, attendance (learning.Attendance) and evaluations (evaluations.attach)
work on events unchanged. The event adds what only events have: theme, format,
the programme of talks, invitations and the material published afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones, uploads
from tillit.core.models import StoredFile
from tillit.programmes.models import Cohort, Session


def upload_material_file(instance, filename):
    return uploads.random_path("events/material")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_times(self):
        return self.select_related("session", "cohort__programme__organiser")


class Event(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid: on site and online")
        ON_SITE = "on_site", _("On site")

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="event", editable=False
    )
    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="event", editable=False
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("network"),
        help_text=_("The forum or network whose meeting this is, if any."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONLINE
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Unpublished events are seen only by their organisers."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days before the event that registered people are reminded"),
        default=2,
    )
    recording_url = models.URLField(_("link to the recording"), blank=True)
    publication_title = models.CharField(
        _("title of the publication"), max_length=300, blank=True
    )
    publication_url = models.URLField(_("link to the publication"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_days__gte=1) & Q(reminder_days__lte=30),
                name="event_reminder_days_in_range",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def organiser(self):
        return self.cohort.programme.organiser

    @property
    def time_zone(self):
        """The organiser's zone, in which the event's times are entered and shown."""
        return timezones.zone_of(self.organiser)

    @property
    def starts_at(self):
        return self.session.starts_at

    @property
    def ends_at(self):
        return self.session.ends_at

    @property
    def place(self):
        return self.session.location

    @property
    def stream_link(self):
        return self.session.link

    @property
    def has_material(self):
        return bool(self.recording_url or self.publication_url)


class Talk(models.Model):
    """One item of the event's programme: a talk, a panel, a break."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="talks")
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(
        _("speaker"),
        max_length=300,
        blank=True,
        help_text=_("Name and title, for example “Anna Berg, state secretary”."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="talk_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class MaterialFile(StoredFile):
    """A publication or slides published with a past event, public to all."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="material_files"
    )
    file = models.FileField(upload_to=upload_material_file, max_length=200)
    title = models.CharField(
        _("title of the file"),
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the file's name when written."),
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("material file")
        verbose_name_plural = _("material files")

    def get_absolute_url(self):
        return reverse("events:material-file", kwargs={"pk": self.pk})

    @property
    def label(self):
        """The title in the reader's language (with fallback), else the file's name."""
        return self.title or self.original_name


class InvitationRound(models.Model):
    """One sending of invitations: to a network's active members, a target
    group (sectors, roles, managerial levels, as a programme's TargetRule) or
    the people of chosen organisations. `invited` counts the people who got an
    invitation this time; people invited before are not invited again."""

    class Audience(models.TextChoices):
        NETWORK = "network", _("Members of a network")
        TARGET_GROUP = "target_group", _("A target group")
        ORGANISATIONS = "organisations", _("People of organisations")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitation_rounds"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisations = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="+"
    )
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    role_categories = models.JSONField(_("roles"), default=list, blank=True)
    managerial_levels = models.JSONField(
        _("managerial levels"), default=list, blank=True
    )
    matched = models.PositiveIntegerField(_("people in the audience"), default=0)
    invited = models.PositiveIntegerField(_("people invited"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation round")
        verbose_name_plural = _("invitation rounds")

    def __str__(self):
        return f"{self.event}: {self.get_audience_display()} ({self.invited})"


class Invitation(models.Model):
    """A person invited to an event: at most once per event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    round = models.ForeignKey(
        InvitationRound, on_delete=models.CASCADE, related_name="invitations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="event_invitation_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.event}"
