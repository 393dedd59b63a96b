"""Course evaluations: forms an organiser builds, evaluations that attach a form
to a session or a whole cohort, and the answers.

Anonymity: an anonymous Response has no person, a random primary key and only the
day it was given; its Answers have random primary keys too. A Receipt records
that a person answered, with a random primary key, no time at all and no pointer
to the response. Every answer rewrites all receipts of the evaluation in a random
order (services.submit), so the order of the receipt rows (SQLite's rowid,
PostgreSQL's ctid and xmin) says nothing about who answered when, and cannot be
lined up with the order of the responses. Results appear only once the
evaluation has closed (results.counted), so no page changes after one answer.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.content_languages import language_of_organisation, reading_languages
from tillit.core.models import Organisation
from tillit.programmes.models import Cohort, Session

ANONYMITY_THRESHOLD = 5
OPTION_MAX_LENGTH = 200


_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


def option_label(option, language=None):
    """An option's text in the reader's language, else the first filled one
    in their reading order (as modeltranslation falls back for other texts)."""
    for code in reading_languages(language):
        if option.get(code):
            return option[code]
    return ""


def normalise_options(options, *, language):
    """Options as stored: [{"key": "o1", "sv": "Ja", "fi": "Kyllä", "en": ""}].

    An option given as a plain string is written in `language`. Options
    without a key get the next free one ("o3"); a key, once given, never
    changes, so answers (which store the key) keep their option whatever the
    language it was shown in.
    """
    rows = []
    for option in options:
        if isinstance(option, dict):
            row = {code: str(option.get(code) or "").strip() for code in _LANGUAGES}
            row["key"] = str(option.get("key") or "")
        else:
            row = {code: "" for code in _LANGUAGES}
            row[language] = str(option).strip()
            row["key"] = ""
        if any(row[code] for code in _LANGUAGES):
            rows.append(row)
    used = [int(r["key"][1:]) for r in rows if r["key"][1:].isdigit()]
    next_number = max(used, default=0) + 1
    for row in rows:
        if not row["key"]:
            row["key"] = f"o{next_number}"
            next_number += 1
    return [{"key": r["key"], **{code: r[code] for code in _LANGUAGES}} for r in rows]


def keep_option_keys(old, new):
    """`new` options (without keys) take the key of the old option that has the
    same text in some language, so correcting one language keeps the option."""
    free = list(old)
    for option in new:
        for candidate in free:
            if any(
                option.get(code) and option.get(code) == candidate.get(code)
                for code in _LANGUAGES
            ):
                option["key"] = candidate["key"]
                free.remove(candidate)
                break
    return new


class EvaluationForm(models.Model):
    """A questionnaire owned by an organiser organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="evaluation_forms",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown to participants above the questions."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Scale 1–5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")
        NPS = "nps", _("Recommendation 0–10 (NPS)")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    NUMBER_KINDS = (Kind.LIKERT, Kind.NPS)

    form = models.ForeignKey(
        EvaluationForm, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    # [{"key": "o1", "sv": ..., "fi": ..., "en": ...}] (normalise_options);
    # an Answer stores the key.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    low_label = models.CharField(_("label of the low end"), max_length=60, blank=True)
    high_label = models.CharField(_("label of the high end"), max_length=60, blank=True)

    class Meta:
        ordering = ["form", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    def clean(self):
        if self.kind in self.CHOICE_KINDS:
            self.choices = normalise_options(
                self.choices, language=self._writing_language()
            )
            if len(self.choices) < 2:
                raise ValidationError(
                    {"choices": _("Give at least two options, one per line.")}
                )
            keys = [option["key"] for option in self.choices]
            texts = [
                [option[code] for option in self.choices if option[code]]
                for code in _LANGUAGES
            ]
            if len(set(keys)) != len(keys) or any(
                len(set(column)) != len(column) for column in texts
            ):
                raise ValidationError({"choices": _("Each option may appear once.")})
            if any(
                len(text) > OPTION_MAX_LENGTH for column in texts for text in column
            ):
                raise ValidationError(
                    {"choices": _("An option may be at most 200 characters long.")}
                )
        else:
            self.choices = []
        if self.kind not in self.NUMBER_KINDS:
            # Every language version of the labels (low_label_sv, _fi, _en).
            for name in ("low_label", "high_label"):
                for language in settings.MODELTRANSLATION_LANGUAGES:
                    setattr(self, f"{name}_{language}", "")
                setattr(self, name, "")

    def _writing_language(self):
        form = self.form if self.form_id else None
        return language_of_organisation(form.organisation if form else None)

    @property
    def stored_options(self):
        """The options as stored ({"key", "sv", "fi", "en"}); a question made
        with plain strings and not yet cleaned reads them as normalised."""
        if all(isinstance(option, dict) for option in self.choices):
            return self.choices
        return normalise_options(self.choices, language=self._writing_language())

    @property
    def options(self):
        """(key, text in the reader's language) of a choice question, in order."""
        return [(option["key"], option_label(option)) for option in self.stored_options]

    def option_texts(self, language):
        """The options as written in `language` (empty where not written)."""
        return [option.get(language, "") for option in self.stored_options]

    def option_label(self, key):
        for option in self.stored_options:
            if option["key"] == key:
                return option_label(option)
        return key

    @property
    def scale(self):
        """The values of a Likert or NPS question, low to high."""
        if self.kind == self.Kind.LIKERT:
            return list(range(1, 6))
        if self.kind == self.Kind.NPS:
            return list(range(0, 11))
        return []


class EvaluationQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def annotate_answer_count(self):
        return self.annotate(answer_count=models.Count("responses"))


class Evaluation(models.Model):
    """A form attached to a session, or to a cohort as a whole (no session).

    It opens when the session ends (for a whole cohort: when its last session
    ends, or at the end of its last day) and closes `open_days` later; the
    invitation job keeps those times in step with the sessions until it opens.
    """

    form = models.ForeignKey(
        EvaluationForm,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("form"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="evaluations"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("session"),
    )
    open_days = models.PositiveSmallIntegerField(
        _("days open"),
        default=14,
        help_text=_("How many days participants have to answer."),
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "Anonymous answers are stored without any link to the person. "
            "Untick only when participants should answer in their own name; "
            "they are told before they answer."
        ),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["opens_at", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "session"],
                condition=Q(session__isnull=False),
                name="evaluation_form_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["form", "cohort"],
                condition=Q(session__isnull=True),
                name="evaluation_form_once_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="evaluation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(open_days__gte=1) & Q(open_days__lte=90),
                name="evaluation_open_days_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.form.title} – {self.subject}"

    @property
    def subject(self):
        """What is evaluated: the session's title or the cohort's name."""
        return self.session.title if self.session_id else str(self.cohort.name)

    def is_open(self, moment):
        return self.opens_at <= moment < self.closes_at

    def window(self):
        """(opens_at, closes_at) from the session or cohort as they are now."""
        opens = expected_opening(self.cohort, self.session)
        return opens, opens + dt.timedelta(days=self.open_days)


def expected_opening(cohort, session=None):
    """When an evaluation of the session, or of the whole cohort, opens."""
    if session is not None:
        return session.ends_at
    last = cohort.sessions.order_by("-ends_at").values_list("ends_at", flat=True)
    if last:
        return last[0]
    day_end = dt.datetime.combine(cohort.ends_on, dt.time(17, 0))
    return timezone.make_aware(day_end)


class Response(models.Model):
    """One participant's answers. `person` is empty unless the evaluation is
    not anonymous; the random key and the day-only date keep no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="responses"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_on = models.DateField(_("answered on"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.evaluation_id}: {self.submitted_on}"


class Answer(models.Model):
    """The answer to one question. A multiple-choice answer is one row per
    option ticked; a number for Likert and NPS; `text` for free text. The key is
    random, so the rows' keys keep no order of answering."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers"
    )
    number = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10),
                name="answer_number_in_scale",
            )
        ]

    def __str__(self):
        if self.number is not None:
            return str(self.number)
        if self.choice:  # the option's key; shown as its text
            return self.question.option_label(self.choice)
        return self.text


class Receipt(models.Model):
    """That a person answered an evaluation, and nothing about when or what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="receipts"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="evaluation_receipts",
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "person"], name="receipt_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.evaluation_id}: {self.person_id}"
