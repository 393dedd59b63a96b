"""Data protection: who answers for an organisation's personal data, its
retention rules (gallringsbeslut), and erasure requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.models import Organisation
from tillit.core.personal_data import retention_choices, retention_kinds


class PrivacyContact(models.Model):
    """A person who answers for an organisation's personal data (its data
    protection officer or privacy contact): named on the privacy notice and
    allowed to confirm erasures of the organisation's people."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="privacy_contacts",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_contact_for",
        verbose_name=_("person"),
    )
    public_email = models.EmailField(
        _("public e-mail address"),
        blank=True,
        help_text=_("Shown on the privacy notice, e.g. the registry's address."),
    )

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("privacy contact")
        verbose_name_plural = _("privacy contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"], name="privacy_contact_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.person}"


class RetentionRule(models.Model):
    """A retention rule (gallringsbeslut): what an organisation disposes of
    after how many days, and the decision it rests on."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="retention_rules",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("what"), max_length=40, choices=retention_choices)
    keep_days = models.PositiveIntegerField(
        _("kept for (days)"),
        help_text=_("Counted from when the data was last needed."),
    )
    decision = models.CharField(
        _("decision"),
        max_length=200,
        blank=True,
        help_text=_("The decision on disposal this rule rests on, e.g. its number."),
    )

    class Meta:
        ordering = ["organisation", "kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="retention_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()}"

    @property
    def description(self):
        kind = retention_kinds().get(self.kind)
        return kind.description if kind else ""

    def cutoff(self, now):
        return now - timezone.timedelta(days=self.keep_days)


class RetentionRun(models.Model):
    """One run of the retention rules: when and how many rows went, by rule."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"


class ErasureRequest(models.Model):
    """A person's request that their personal data be erased; platform staff
    or the organisation's privacy contact confirm it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ERASED = "erased", _("Erased")
        DECLINED = "declined", _("Declined")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for declining"), blank=True)
    report = models.JSONField(_("what was done"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="erasure_request_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_status_display()})"
