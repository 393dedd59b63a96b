"""Networks: forums, alumni groups, peer networks and open networks.

A network belongs to an owner organisation and is led by its chairs and
facilitators (and the owner's organiser staff). People join by invitation, by
an application the leaders approve, or automatically (completing a programme
joins its alumni network). Only active members see a network's inner pages:
the member directory, announcements, meetings and shared files.

Shared files live in Django's default storage under random paths and are never
served from MEDIA_URL; downloads go through a view that checks membership.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.core import timezones, uploads
from tillit.core.models import StoredFile


class Network(models.Model):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        ALUMNI = "alumni", _("Alumni group")
        PEER = "peer", _("Peer network")
        OPEN = "open", _("Open network")

    class JoinPolicy(models.TextChoices):
        INVITATION = "invitation", _("By invitation")
        APPLICATION = "application", _("By application")
        AUTOMATIC = "automatic", _("Automatic")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="networks",
        verbose_name=_("owner organisation"),
    )
    join_policy = models.CharField(
        _("how members join"),
        max_length=20,
        choices=JoinPolicy.choices,
        default=JoinPolicy.INVITATION,
    )
    allows_external = models.BooleanField(
        _("members from outside the public sector"),
        default=False,
        help_text=_(
            "Allow members from companies, associations and people without an "
            "organisation."
        ),
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        verbose_name=_("programme"),
        help_text=_("The programme whose alumni this network gathers."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(kind="alumni"),
                name="network_one_alumni_network_per_programme",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:network-public", kwargs={"slug": self.slug})

    @property
    def accepts_applications(self):
        return self.is_active and self.join_policy == self.JoinPolicy.APPLICATION


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def leaders(self):
        return self.active().filter(role__in=Membership.LEADER_ROLES)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        FACILITATOR = "facilitator", _("Facilitator")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        REFUSED = "refused", pgettext_lazy("network membership", "Refused")

    LEADER_ROLES = (Role.CHAIR, Role.FACILITATOR)

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    application_text = models.TextField(_("why I want to join"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What other members see in the directory besides the name: each member
    # opts in; by default only the name is shown.
    show_email = models.BooleanField(_("show my e-mail address"), default=False)
    show_title = models.BooleanField(_("show my title"), default=False)
    show_organisation = models.BooleanField(_("show my organisation"), default=False)
    show_phone = models.BooleanField(_("show my phone number"), default=False)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], name="network_membership_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(joined_at__isnull=False),
                name="network_membership_active_has_joined_at",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.network}"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_leader(self):
        return self.is_active and self.role in self.LEADER_ROLES


class Announcement(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title


class Meeting(models.Model):
    """A network's meeting: a morning meeting, a seminar, a gathering online."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="network_meeting_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def time_zone(self):
        """The owner organisation's zone, in which the meeting's times are shown."""
        return timezones.zone_of(self.network.owner)


def upload_network_file(instance, filename):
    return uploads.random_path("networks/files")


class SharedFile(StoredFile):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="files")
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(upload_to=upload_network_file, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("shared file")
        verbose_name_plural = _("shared files")
