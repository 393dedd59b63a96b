"""Peer small groups (smågrupper): rounds, their pool, the engine's proposal,
and the published groups with their own pages.

A round (`GroupRound`) collects a pool of people (`Application`: people apply,
or the facilitator adds a peer network's members), asks `matching` for a
proposal (`Proposal`, one row per round holding the run's status, the pool's
attributes as the engine saw them and the current assignment), and publishing
turns the proposal into `PeerGroup`s with `GroupMember`s. A round can continue
a published round: its continuing groups are kept together and take in
newcomers.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class GroupRound(models.Model):
    """One year's formation of peer groups, run by its facilitators."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Forming")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="group_rounds",
        verbose_name=_("owner organisation"),
    )
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_rounds",
        verbose_name=_("peer network"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_group_rounds",
        verbose_name=_("facilitators"),
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("continues"),
    )
    applications_open = models.BooleanField(_("open for applications"), default=True)
    min_size = models.PositiveSmallIntegerField(_("smallest group"), default=8)
    max_size = models.PositiveSmallIntegerField(_("largest group"), default=10)
    weight_branch = models.PositiveSmallIntegerField(
        _("branch of government"), default=3
    )
    weight_organisation = models.PositiveSmallIntegerField(_("organisation"), default=2)
    weight_sector = models.PositiveSmallIntegerField(
        _("kind of organisation"), default=1
    )
    weight_region = models.PositiveSmallIntegerField(_("region"), default=1)
    weight_role = models.PositiveSmallIntegerField(_("role"), default=1)
    weight_years = models.PositiveSmallIntegerField(_("years as manager"), default=1)
    max_per_organisation = models.PositiveSmallIntegerField(
        _("at most this many from one organisation per group"),
        default=1,
        help_text=_("0 means no limit."),
    )
    keep_continuing = models.BooleanField(
        _("keep continuing groups together"), default=True
    )
    keep_managers_apart = models.BooleanField(
        _("keep a manager and their own manager apart"), default=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("peer group round")
        verbose_name_plural = _("peer group rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_size__gte=2) & Q(max_size__gte=F("min_size")),
                name="group_round_sizes",
            ),
            models.CheckConstraint(
                condition=Q(weight_branch__lte=10)
                & Q(weight_organisation__lte=10)
                & Q(weight_sector__lte=10)
                & Q(weight_region__lte=10)
                & Q(weight_role__lte=10)
                & Q(weight_years__lte=10),
                name="group_round_weights",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("groups:round", kwargs={"pk": self.pk})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Application(models.Model):
    """A person in a round's pool: applied, added from the network, or a
    member of a continuing group. Only accepted applications are grouped."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("In the pool")
        REMOVED = "removed", _("Not in the pool")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NETWORK = "network", _("Network member")
        CONTINUING = "continuing", _("Continuing group")

    round = models.ForeignKey(
        GroupRound, on_delete=models.CASCADE, related_name="applications"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.APPLIED
    )
    years_as_manager = models.PositiveSmallIntegerField(
        _("years as manager"), null=True, blank=True
    )
    motivation = models.TextField(_("what I hope for"), blank=True)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("Only if your organisation's region is not known, e.g. Uusimaa."),
    )
    continuing_group = models.ForeignKey(
        "PeerGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuing_applications",
        verbose_name=_("continuing group"),
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application to a peer group")
        verbose_name_plural = _("applications to peer groups")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], name="group_application_once"
            ),
            models.CheckConstraint(
                condition=Q(years_as_manager__isnull=True)
                | Q(years_as_manager__lte=60),
                name="group_application_years",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.round}"


class Proposal(models.Model):
    """The engine's proposal for a round and the facilitator's changes to it.

    `pool` holds what the engine saw: `people` (person id -> attributes),
    `kept` (continuing groups: previous group id, name and member ids) and
    `apart` (pairs). `assignment` maps person id -> group index (0-based) and
    changes when the facilitator moves someone; `engine` keeps the run's own
    figures (objective, bound, seconds, rule checks)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Forming groups")
        DONE = "done", _("Proposal ready")
        FAILED = "failed", _("No proposal")

    round = models.OneToOneField(
        GroupRound, on_delete=models.CASCADE, related_name="proposal"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=2000, blank=True)
    seed = models.PositiveIntegerField(default=1)
    pool = models.JSONField(default=dict, blank=True)
    assignment = models.JSONField(default=dict, blank=True)
    engine = models.JSONField(default=dict, blank=True)
    moves = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    #: A run without news for this long was lost (a worker stopped).
    STALE_RUN = dt.timedelta(minutes=15)

    class Meta:
        verbose_name = _("group proposal")
        verbose_name_plural = _("group proposals")

    def __str__(self):
        return f"{self.round} ({self.get_status_display()})"

    @property
    def is_running(self):
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        return timezone.now() - self.updated_at < self.STALE_RUN

    @property
    def is_ready(self):
        return self.status == self.Status.DONE and bool(self.assignment)


class PeerGroup(models.Model):
    """A published small group of 8-10 people."""

    round = models.ForeignKey(
        GroupRound, on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "number"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], name="peer_group_number_unique"
            )
        ]

    def __str__(self):
        return self.name or gettext("Group %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        return reverse("groups:group", kwargs={"pk": self.pk})


class GroupMember(models.Model):
    """A person's place in a published group; one group per round."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="members"
    )
    round = models.ForeignKey(
        GroupRound, on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="peer_group_memberships",
    )
    continuing = models.BooleanField(_("continuing member"), default=False)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], name="group_member_one_group_per_round"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.group}"


class Agreement(models.Model):
    """A version of a group's agreed ways of working and themes; the newest is
    the current one, and each keeps who wrote it and when."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="agreements"
    )
    ways_of_working = models.TextField(_("how we work"), blank=True)
    themes = models.TextField(_("our themes"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-pk"]
        get_latest_by = ["written_at", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return f"{self.group} {self.written_at:%Y-%m-%d}"


class GroupMeeting(models.Model):
    """A planned meeting of a group."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place or link"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="group_meeting_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"


class LogEntry(models.Model):
    """A few lines about a meeting that was held."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="log_entries"
    )
    held_on = models.DateField(_("date"))
    text = models.TextField(_("what we talked about"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting log entry")
        verbose_name_plural = _("meeting log")

    def __str__(self):
        return f"{self.group} {self.held_on}"


class RoundTheme(models.Model):
    """A current theme the facilitator raises for every group of a round."""

    round = models.ForeignKey(
        GroupRound, on_delete=models.CASCADE, related_name="themes"
    )
    title = models.CharField(_("theme"), max_length=200)
    text = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("theme for all groups")
        verbose_name_plural = _("themes for all groups")

    def __str__(self):
        return self.title
