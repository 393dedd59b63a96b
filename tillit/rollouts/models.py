"""Whole-organisation rollouts: managers imported from the HR system, a plan of
who goes in which cohort, and the follow-up at home with one's own manager."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.models import Organisation, Unit
from tillit.programmes.models import Cohort, Programme


def own_manager_employment(path: str = "") -> Subquery:
    """The employment, in the same organisation, of the own manager of the
    employment at `path` ("" or "employment__"): None when the person has no
    manager or the manager has no employment there. `Person.manager` is the
    one record of who the manager is."""
    return Subquery(
        Employment.objects.filter(
            organisation=OuterRef(f"{path}organisation"),
            person=OuterRef(f"{path}person__manager"),
        ).values("pk")[:1]
    )


class EmploymentQuerySet(models.QuerySet):
    def with_manager(self):
        """Annotate `manager_id`, the own manager's employment (see
        `own_manager_employment`)."""
        return self.annotate(manager_id=own_manager_employment())


class Employment(models.Model):
    """A person's place in an organisation as its HR system knows it: the
    employee id, the department (förvaltning) and when they left. The unit and
    the own manager are the person's (`Person.unit`, `Person.manager`), which
    the import writes; `unit` and `manager` here only read them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="employments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employments"
    )
    employee_id = models.CharField(_("employee id"), max_length=50)
    department = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "employee_id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_id"],
                name="employment_employee_id_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "person"], name="employment_person_unique"
            ),
        ]

    def __str__(self):
        return f"{self.employee_id} {self.person}"

    @property
    def unit(self) -> Unit | None:
        return self.person.unit

    @property
    def manager(self) -> "Employment | None":
        """The own manager's employment in this organisation (one query; for
        many, use `Employment.objects.with_manager()`)."""
        manager_id = self.person.manager_id
        if manager_id is None:
            return None
        return Employment.objects.filter(
            organisation_id=self.organisation_id, person_id=manager_id
        ).first()


class ImportBatch(models.Model):
    """An uploaded HR export, parsed and checked but not yet written. `rows`
    holds the valid rows, `problems` every bad row; confirming writes them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Imported")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    preview = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.organisation}: {self.filename}"

    def get_absolute_url(self):
        return reverse("rollouts:import-detail", kwargs={"pk": self.pk})


class RolloutPlan(models.Model):
    """Who of an organisation's managers goes through a programme in which cohort.

    Planning runs in the background; `run_status`, `progress` and `message`
    tell the page how far it has come, `result` keeps the engine's figures."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class RunStatus(models.TextChoices):
        IDLE = "idle", _("Not planned yet")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Planning")
        DONE = "done", _("Planned")
        FAILED = "failed", _("Planning failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rollout_plans"
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="rollout_plans",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    cohort_size = models.PositiveIntegerField(_("managers per cohort"))
    days_per_cohort = models.PositiveIntegerField(_("programme days"), default=5)
    weeks_between_days = models.PositiveIntegerField(
        _("weeks between programme days"), default=3
    )
    max_unit_share = models.DecimalField(
        _("largest share of a unit in one cohort"),
        max_digits=3,
        decimal_places=2,
        default=0.25,
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    run_status = models.CharField(
        max_length=20, choices=RunStatus.choices, default=RunStatus.IDLE
    )
    progress = models.PositiveSmallIntegerField(default=0)
    run_updated_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=2000, blank=True)
    result = models.JSONField(default=dict, blank=True)
    seed = models.PositiveIntegerField(default=2026)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rollout plan")
        verbose_name_plural = _("rollout plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="rollout_plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(cohort_size__gt=0)
                & Q(days_per_cohort__gt=0)
                & Q(max_unit_share__gt=0)
                & Q(max_unit_share__lte=1),
                name="rollout_plan_positive_sizes",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rollouts:plan-detail", kwargs={"pk": self.pk})

    #: A run without news for this long was lost (a worker stopped); it no
    #: longer blocks planning again.
    STALE_RUN = dt.timedelta(minutes=15)

    @property
    def is_running(self):
        if self.run_status not in (self.RunStatus.QUEUED, self.RunStatus.RUNNING):
            return False
        return (
            self.run_updated_at is None
            or timezone.now() - self.run_updated_at < self.STALE_RUN
        )


class RolloutCohort(models.Model):
    """One cohort of the plan: its programme days and, once published, the
    programme's Cohort that holds the registrations."""

    plan = models.ForeignKey(
        RolloutPlan, on_delete=models.CASCADE, related_name="cohorts"
    )
    number = models.PositiveIntegerField(_("number"))
    dates = models.JSONField(_("programme days"), default=list)
    capacity = models.PositiveIntegerField(_("managers"))
    cohort = models.OneToOneField(
        Cohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rollout_cohort",
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("rollout cohort")
        verbose_name_plural = _("rollout cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="rollout_cohort_number_unique"
            )
        ]

    def __str__(self):
        return str(_("Cohort %(number)s") % {"number": self.number})

    @property
    def starts_on(self):
        return _date(self.dates[0]) if self.dates else None

    @property
    def ends_on(self):
        return _date(self.dates[-1]) if self.dates else None

    def day_list(self):
        return [_date(day) for day in self.dates]

    def has_started(self, today):
        return self.starts_on is not None and self.starts_on <= today


def _date(value):
    return dt.date.fromisoformat(value)


class Placement(models.Model):
    """A manager's cohort in a plan; pins and bars are HR's hand-made rules."""

    plan = models.ForeignKey(
        RolloutPlan, on_delete=models.CASCADE, related_name="placements"
    )
    employment = models.ForeignKey(
        Employment, on_delete=models.CASCADE, related_name="placements"
    )
    rollout_cohort = models.ForeignKey(
        RolloutCohort,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    barred = models.ManyToManyField(
        RolloutCohort, blank=True, related_name="barred_placements"
    )

    class Meta:
        ordering = ["plan", "employment__employee_id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "employment"], name="placement_once_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.employment} → {self.rollout_cohort}"


class Exclusion(models.Model):
    """A manager HR has taken out of a rollout (the chief executive, long
    leave), with the reason; deleting it brings them back to be planned."""

    plan = models.ForeignKey(
        RolloutPlan, on_delete=models.CASCADE, related_name="exclusions"
    )
    employment = models.ForeignKey(
        Employment, on_delete=models.CASCADE, related_name="exclusions"
    )
    reason = models.CharField(_("reason"), max_length=300)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "employment__employee_id"]
        verbose_name = _("exclusion from a rollout")
        verbose_name_plural = _("exclusions from rollouts")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "employment"], name="exclusion_once_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.employment}: {self.reason}"


class FollowUp(models.Model):
    """The conversation at home with one's own manager after the programme."""

    plan = models.ForeignKey(
        RolloutPlan, on_delete=models.CASCADE, related_name="follow_ups"
    )
    employment = models.ForeignKey(
        Employment, on_delete=models.CASCADE, related_name="follow_ups"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("held on"), null=True, blank=True)
    note = models.CharField(_("short note"), max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort__ends_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "employment"], name="follow_up_once_per_plan"
            )
        ]

    def __str__(self):
        return f"{self.employment} ({self.cohort})"

    def is_due(self, today):
        return self.held_on is None and self.cohort.ends_on < today
