"""Blended learning: preparation, assignments and submissions, attendance,
completion rules, certificates and alumni.

Uploaded files live in Django's default storage under random paths and are
never served from MEDIA_URL: every download goes through a view that checks who
may fetch it (selectors.*_file_for).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tillit.core import uploads
from tillit.core.models import StoredFile
from tillit.programmes.models import Cohort, Programme, Session

# Letters and digits that cannot be mistaken for each other when read aloud or
# copied from a shared screen (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_code(length):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def upload_preparation_file(instance, filename):
    return uploads.random_path("learning/preparation")


def upload_submission_file(instance, filename):
    return uploads.random_path("learning/submissions")


class Preparation(models.Model):
    """What participants read, watch or do before a session."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="preparation"
    )
    text = models.TextField(_("what to prepare"), blank=True)
    links = models.TextField(
        _("links"),
        blank=True,
        help_text=_(
            "One link per line, optionally with a title first: "
            "“Report on digital maturity | https://example.org/report”."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preparation")
        verbose_name_plural = _("preparations")

    def __str__(self):
        return str(self.session)

    def link_list(self):
        """The links as (title, url) pairs; a line without a title shows its URL."""
        pairs = []
        for line in self.links.splitlines():
            title, _sep, url = line.rpartition("|")
            url = url.strip()
            if url:
                pairs.append((title.strip() or url, url))
        return pairs


class PreparationFile(StoredFile):
    preparation = models.ForeignKey(
        Preparation, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=upload_preparation_file, max_length=200)

    class Meta(StoredFile.Meta):
        verbose_name = _("preparation file")
        verbose_name_plural = _("preparation files")

    def get_absolute_url(self):
        return reverse("learning:preparation-file", kwargs={"pk": self.pk})


class Assignment(models.Model):
    """A pre-session assignment (tied to a session) or a work-integrated home
    assignment of the whole cohort, possibly with milestones."""

    class Kind(models.TextChoices):
        PRE_SESSION = "pre_session", _("Pre-session assignment")
        HOME = "home", _("Work-integrated home assignment")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="assignments"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("session"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PRE_SESSION
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"))
    allowed_types = models.JSONField(_("allowed file types"), default=list, blank=True)
    max_size_mb = models.PositiveSmallIntegerField(_("largest file (MB)"), default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="home") | Q(session__isnull=False),
                name="assignment_pre_session_has_session",
            ),
            models.CheckConstraint(
                condition=Q(max_size_mb__gte=1) & Q(max_size_mb__lte=100),
                name="assignment_max_size_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:assignment", kwargs={"pk": self.pk})


class Milestone(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"))

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class Submission(models.Model):
    """A participant's one answer to an assignment. It is edited and handed in
    again after "revise"; the feedback rows keep the history of each review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting feedback")
        REVISE = "revise", _("To revise")
        APPROVED = "approved", _("Approved")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="submissions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    text = models.TextField(_("your answer"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("handed in"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "person"], name="submission_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "revise", "approved"]),
                name="submission_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} – {self.person}"


class SubmissionFile(StoredFile):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=upload_submission_file, max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(StoredFile.Meta):
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")

    def get_absolute_url(self):
        return reverse("learning:submission-file", kwargs={"pk": self.pk})


class Feedback(models.Model):
    """One review of a submission by a teacher or organiser."""

    class Verdict(models.TextChoices):
        REVISE = "revise", _("To revise")
        APPROVED = "approved", _("Approved")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verdict = models.CharField(_("decision"), max_length=20, choices=Verdict.choices)
    text = models.TextField(_("feedback"))
    version = models.PositiveIntegerField(_("version reviewed"))
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"{self.submission}: {self.get_verdict_display()}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    class Reason(models.TextChoices):
        NONE = "", _("No reason given")
        ILLNESS = "illness", _("Illness")
        WORK = "work", _("Work commitments")
        PERSONAL = "personal", _("Personal reasons")
        OTHER = "other", _("Other")

    class Method(models.TextChoices):
        TEACHER = "teacher", _("Marked by a teacher")
        CHECK_IN = "check_in", _("Checked in with the session code")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    absence_reason = models.CharField(
        _("reason for absence"),
        max_length=20,
        choices=Reason.choices,
        blank=True,
        default=Reason.NONE,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(status="absent") | Q(absence_reason=""),
                name="attendance_reason_only_when_absent",
            ),
        ]

    def __str__(self):
        return f"{self.session}: {self.person} ({self.get_status_display()})"


class SessionCode(models.Model):
    """The short code shown in the meeting, with which participants check in."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="check_in_code"
    )
    code = models.CharField(max_length=12)

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")

    def __str__(self):
        return self.code


class CompletionRule(models.Model):
    """When a participant has completed a programme: attended at least
    `min_sessions` sessions, or `min_share` per cent of them, and (when
    `all_assignments`) had every assignment approved."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="completion_rule"
    )
    min_sessions = models.PositiveSmallIntegerField(
        _("at least this many sessions attended"), null=True, blank=True
    )
    min_share = models.PositiveSmallIntegerField(
        _("or at least this share of the sessions attended (%)"),
        null=True,
        blank=True,
    )
    all_assignments = models.BooleanField(_("every assignment approved"), default=True)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_share__isnull=True) | Q(min_share__lte=100),
                name="completion_share_is_a_percentage",
            ),
        ]

    def __str__(self):
        return str(self.programme)

    def sessions_needed(self, total):
        """How many of `total` sessions a participant must attend."""
        if self.min_sessions is not None:
            return min(self.min_sessions, total)
        share = 100 if self.min_share is None else self.min_share
        return -(-total * share // 100)  # rounded up


class Certificate(models.Model):
    """An intyg. What it says is copied when it is issued, so the PDF and the
    verification page keep showing what was certified."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    participant_name = models.CharField(_("participant"), max_length=200)
    programme_title = models.CharField(_("programme"), max_length=200)
    cohort_name = models.CharField(_("cohort"), max_length=120)
    organiser_name = models.CharField(_("organiser"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    content = models.TextField(_("content"), blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cohort"], name="certificate_once_per_cohort"
            )
        ]

    def __str__(self):
        return f"{self.programme_title}: {self.participant_name} ({self.code})"

    def get_absolute_url(self):
        return reverse("learning:certificate-verify", kwargs={"code": self.code})


class AlumniMembership(models.Model):
    """Membership of a programme's alumni network, gained by completing it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="alumni"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alumni_of"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("alumni membership")
        verbose_name_plural = _("alumni memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="alumni_once_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.programme}"
