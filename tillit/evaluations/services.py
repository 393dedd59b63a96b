"""Everything that writes evaluation forms, evaluations and answers.

Callers check access (selectors.*_for_organiser, selectors.evaluation_to_answer);
these services keep the rules: a form that has answers keeps its structure
(its questions, their kind and order, the number, order and keys of the
options) and may change only its wording, in any language; a person answers
once; anonymous answers never carry the person.
"""

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.content_languages import CONTENT_LANGUAGES, localized_names
from tillit.core.errors import Conflict, DomainError
from tillit.core.models import Organisation, Person
from tillit.notifications import services as notifications
from tillit.programmes.models import Cohort, Session
from tillit.registrations.models import Registration

from . import standard
from .models import Answer, Evaluation, EvaluationForm, Question, Receipt, Response

QUESTION_FIELDS = {
    "kind",
    "text",
    "help_text",
    "required",
    "choices",
    "low_label",
    "high_label",
}
QUESTION_TEXTS = localized_names(("text", "help_text", "low_label", "high_label"))


_random = random.SystemRandom()


class EvaluationError(DomainError):
    """A refusal a person may read."""


class LockedByAnswers(EvaluationError, Conflict):
    """A change to the structure of a form that participants have answered.
    `field` names the question's field that may not change ("kind",
    "required", "choices"), or is None for the questions as a whole."""

    code = "locked_by_answers"

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Forms and questions ------------------------------------------------------


FORM_TEXTS = localized_names(("title", "description"))


def create_form(
    organisation: Organisation,
    *,
    actor: Person,
    title: str = "",
    description: str = "",
    **texts: str,
) -> EvaluationForm:
    """A new form; `texts` may give title_sv, title_fi, ... per language."""
    _unknown_texts(texts)
    form = EvaluationForm(organisation=organisation)
    if title:
        form.title = title
    if description:
        form.description = description
    for name, value in texts.items():
        setattr(form, name, value)
    form.full_clean()
    form.save()
    return form


def update_form(
    form: EvaluationForm,
    *,
    actor: Person,
    title: str | None = None,
    description: str | None = None,
    **texts: str,
) -> EvaluationForm:
    """Change the form's title and introduction, in the active language (`title`)
    or per language (`title_fi`, ...); languages not given keep their text."""
    _unknown_texts(texts)
    if title is not None:
        form.title = title
    if description is not None:
        form.description = description
    for name, value in texts.items():
        setattr(form, name, value)
    form.full_clean()
    form.save(update_fields=["title", "description", *sorted(FORM_TEXTS)])
    return form


def _unknown_texts(texts: Iterable[str]) -> None:
    unknown = set(texts) - FORM_TEXTS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def copy_form(
    form: EvaluationForm,
    organisation: Organisation,
    *,
    actor: Person,
    title: str | None = None,
) -> EvaluationForm:
    """A new form of the organisation with the same questions."""
    copy = create_form(
        organisation,
        actor=actor,
        title=title or _("Copy of %(title)s") % {"title": form.title},
        description=form.description,
    )
    for question in form.questions.all():
        fields = {
            name: getattr(question, name) for name in QUESTION_FIELDS | QUESTION_TEXTS
        }
        Question.objects.create(form=copy, position=question.position, **fields)
    return copy


@transaction.atomic
def copy_standard_form(organisation: Organisation, *, actor: Person) -> EvaluationForm:
    """The standard course evaluation (standard.py) as a form of the organisation."""
    form = create_form(
        organisation,
        actor=actor,
        **standard.per_language("title", standard.TITLES),
        **standard.per_language("description", standard.DESCRIPTIONS),
    )
    for position, question in enumerate(standard.QUESTIONS, start=1):
        Question.objects.create(
            form=form, position=position, **standard.as_fields(question)
        )
    return form


def is_frozen(form: EvaluationForm) -> bool:
    """A form with answers keeps its structure, so results keep their meaning;
    its wording may still change in every language."""
    return Answer.objects.filter(question__form=form).exists()


def _ensure_editable(form: EvaluationForm) -> None:
    """Questions may be added, removed and moved only before the first answer."""
    if is_frozen(form):
        raise LockedByAnswers(
            _(
                "Participants have answered this form, so questions can no longer "
                "be added, removed or moved. You can still change the wording in "
                "every language, or make a copy of the form to change its questions."
            )
        )


def _keep_structure(question: Question, fields: dict[str, Any]) -> None:
    """On an answered form: refuse a new kind, a new `required` or options
    that are not the same options (same number, order and keys). Options
    given without keys take the old ones by position: line by line they are
    the same option, reworded."""
    if "kind" in fields and fields["kind"] != question.kind:
        raise LockedByAnswers(
            _(
                "Participants have answered this question, so its kind stays: "
                "another kind would change what their answers mean."
            ),
            field="kind",
        )
    if "required" in fields and bool(fields["required"]) != question.required:
        raise LockedByAnswers(
            _(
                "Participants have answered this form, so whether an answer is "
                "required stays as it was."
            ),
            field="required",
        )
    if "choices" not in fields or question.kind not in Question.CHOICE_KINDS:
        return
    old = question.stored_options
    language = question._writing_language()
    new = [
        dict(option) if isinstance(option, dict) else {language: str(option).strip()}
        for option in fields["choices"]
    ]
    new = [option for option in new if any(option.get(c) for c in CONTENT_LANGUAGES)]
    if len(new) != len(old) or not all(
        _same_option(option, before, old)
        for option, before in zip(new, old, strict=True)
    ):
        raise LockedByAnswers(
            _(
                "Participants have answered this question, so its options keep "
                "their number and order. You can change the wording of each "
                "option, line by line, in every language."
            ),
            field="choices",
        )
    for option, before in zip(new, old, strict=True):
        option["key"] = before["key"]
    fields["choices"] = new


def _clean_question_fields(fields: Iterable[str]) -> None:
    unknown = set(fields) - QUESTION_FIELDS - QUESTION_TEXTS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _same_option(
    option: dict[str, Any], before: dict[str, Any], options: list[dict[str, Any]]
) -> bool:
    """Whether `option`, in the place of `before`, is `before` reworded: it
    carries its key, or no key and no text of another of the `options`."""
    if option.get("key"):
        return option["key"] == before["key"]
    return not any(
        option.get(code) and option.get(code) == other.get(code)
        for other in options
        if other is not before
        for code in CONTENT_LANGUAGES
    )


@transaction.atomic
def add_question(form: EvaluationForm, *, actor: Person, **fields: Any) -> Question:
    """A question at the end of the form; raises ValidationError, EvaluationError."""
    _clean_question_fields(fields)
    form = EvaluationForm.objects.select_for_update().get(pk=form.pk)
    _ensure_editable(form)
    last = form.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question(form=form, position=last + 1, **fields)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def update_question(question: Question, *, actor: Person, **fields: Any) -> Question:
    """Change a question; on an answered form only its wording (texts and
    option labels, in any language). Raises ValidationError, LockedByAnswers."""
    _clean_question_fields(fields)
    form = EvaluationForm.objects.select_for_update().get(pk=question.form_id)
    if is_frozen(form):
        # As stored: a ModelForm may already have put the new values on `question`.
        _keep_structure(Question.objects.get(pk=question.pk), fields)
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def remove_question(question: Question, *, actor: Person) -> None:
    _ensure_editable(question.form)
    question.delete()
    _renumber(question.form)


@transaction.atomic
def move_question(question: Question, *, actor: Person, up: bool) -> None:
    """Swap the question with its neighbour above (up) or below; at an end,
    nothing changes."""
    form = EvaluationForm.objects.select_for_update().get(pk=question.form_id)
    _ensure_editable(form)
    questions = list(form.questions.all())
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
        _renumber(form, questions)


def _renumber(form: EvaluationForm, questions: list[Question] | None = None) -> None:
    questions = list(form.questions.all()) if questions is None else questions
    for position, question in enumerate(questions, start=1):
        question.position = position
    Question.objects.bulk_update(questions, ["position"])


# Evaluations ---------------------------------------------------------------


@transaction.atomic
def attach(
    form: EvaluationForm,
    cohort: Cohort,
    *,
    actor: Person,
    session: Session | None = None,
    open_days: int = 14,
    anonymous: bool = True,
) -> Evaluation:
    """Attach the form to a session of the cohort, or to the whole cohort."""
    if form.organisation_id != cohort.programme.organiser_id:
        raise EvaluationError(_("The form belongs to another organisation."))
    if session is not None and session.cohort_id != cohort.pk:
        raise EvaluationError(_("The session belongs to another cohort."))
    if not form.questions.exists():
        raise EvaluationError(_("Add at least one question to the form first."))
    evaluation = Evaluation(
        form=form,
        cohort=cohort,
        session=session,
        open_days=open_days,
        anonymous=anonymous,
    )
    evaluation.opens_at, evaluation.closes_at = evaluation.window()
    try:
        evaluation.full_clean()
        with transaction.atomic():
            evaluation.save()
    except (ValidationError, IntegrityError):
        if _already_attached(form, cohort, session):
            raise EvaluationError(_("This form is already attached there.")) from None
        raise
    return evaluation


def _already_attached(
    form: EvaluationForm, cohort: Cohort, session: Session | None
) -> bool:
    if session is not None:
        return Evaluation.objects.filter(form=form, session=session).exists()
    return Evaluation.objects.filter(
        form=form, cohort=cohort, session__isnull=True
    ).exists()


@transaction.atomic
def detach(evaluation: Evaluation, *, actor: Person) -> None:
    """Remove an evaluation nobody has answered yet."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.receipts.exists():
        raise EvaluationError(
            _("Participants have answered this evaluation, so it stays.")
        )
    evaluation.delete()


def invite_after_sessions(now: dt.datetime | None = None) -> int:
    """The periodic job: keep unopened evaluations in step with their sessions,
    then invite the confirmed participants of every evaluation that has opened
    and not yet invited. The notification key makes each invitation at most
    once per evaluation and person, even when two workers run at once.

    Returns the number of invitations handed to notifications.
    """
    now = now or timezone.now()
    _follow_sessions(now)
    invited = 0
    due = Evaluation.objects.open_at(now).filter(invited_at__isnull=True)
    for evaluation in due.select_related("form", "cohort__programme", "session"):
        with transaction.atomic():
            participants = evaluation.cohort.registrations.confirmed().select_related(
                "person"
            )
            for registration in participants:
                notifications.notify(
                    registration.person,
                    kind=notifications.Kind.EVALUATION_INVITATION,
                    key=f"evaluation:{evaluation.pk}:{registration.person_id}",
                    template="evaluations/email/invitation",
                    objects={"evaluation": evaluation},
                )
                invited += 1
            Evaluation.objects.filter(pk=evaluation.pk).update(invited_at=now)
    return invited


def _follow_sessions(now: dt.datetime) -> None:
    """Move the window of evaluations not yet open when their session moved."""
    pending = Evaluation.objects.filter(opens_at__gt=now).select_related(
        "cohort", "session"
    )
    for evaluation in pending:
        window = evaluation.window()
        if window != (evaluation.opens_at, evaluation.closes_at):
            evaluation.opens_at, evaluation.closes_at = window
            evaluation.save(update_fields=["opens_at", "closes_at"])


# Answers --------------------------------------------------------------------


def submit(
    evaluation: Evaluation,
    person: Person,
    answers: dict[Question, Any],
    *,
    now: dt.datetime | None = None,
) -> Response:
    """Store a person's answers once.

    `answers` maps each question to its value: an int (Likert, NPS), a string
    (single choice, free text), a list of strings (multiple choice), or None.
    A choice is an option's key (or its text in any language); the key is stored.
    Anonymous evaluations store the response without the person and a receipt
    without the response; the response keeps only the day. Locks the
    evaluation's row, then rewrites all its receipts in a random order, so that
    neither the receipts' row order nor the transaction that wrote them tells
    who answered last.
    Raises EvaluationError when the person may not answer or already has.
    """
    now = now or timezone.now()
    if not evaluation.is_open(now):
        raise EvaluationError(_("This evaluation is not open."))
    if not is_participant(person, evaluation):
        raise EvaluationError(_("Only the cohort's participants answer."))
    rows = _answer_rows(evaluation, answers)
    try:
        with transaction.atomic():
            Evaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
            if Receipt.objects.filter(evaluation=evaluation, person=person).exists():
                raise IntegrityError("already answered")
            response = Response.objects.create(
                evaluation=evaluation,
                person=None if evaluation.anonymous else person,
                submitted_on=timezone.localdate(now),
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            _rewrite_receipts(evaluation, adding=person)
    except IntegrityError:
        raise EvaluationError(_("You have already answered.")) from None
    return response


def _rewrite_receipts(evaluation: Evaluation, *, adding: Person) -> None:
    """Every receipt of the evaluation, with one for `adding`, written anew in a
    random order under fresh random keys. Callers hold the evaluation's lock."""
    people = list(
        Receipt.objects.filter(evaluation=evaluation).values_list(
            "person_id", flat=True
        )
    )
    people.append(adding.pk)
    _random.shuffle(people)
    Receipt.objects.filter(evaluation=evaluation).delete()
    Receipt.objects.bulk_create(
        [Receipt(evaluation=evaluation, person_id=pk) for pk in people]
    )


def is_participant(person: Person, evaluation: Evaluation) -> bool:
    return Registration.objects.filter(
        cohort_id=evaluation.cohort_id,
        person=person,
        status=Registration.Status.CONFIRMED,
    ).exists()


def _answer_rows(evaluation: Evaluation, answers: dict[Question, Any]) -> list[Answer]:
    """Unsaved Answer rows; raises ValidationError for a value the question
    cannot take or a required question left empty."""
    rows = []
    for question in evaluation.form.questions.all():
        value = answers.get(question)
        if value in (None, "", []):
            if question.required:
                raise ValidationError(_("“%s” needs an answer.") % question.text)
            continue
        rows.extend(_rows_for(question, value))
    return rows


def _rows_for(question: Question, value: Any) -> list[Answer]:
    Kind = Question.Kind
    if question.kind in Question.NUMBER_KINDS:
        if int(value) not in question.scale:
            raise ValidationError(_("The answer is outside the scale."))
        return [Answer(question=question, number=int(value))]
    if question.kind == Kind.TEXT:
        return [Answer(question=question, text=str(value).strip())]
    values = [value] if question.kind == Kind.SINGLE else list(value)
    keys = _option_keys(question)
    if not all(str(v) in keys for v in values):
        raise ValidationError(_("Choose among the options given."))
    chosen = dict.fromkeys(keys[str(v)] for v in values)
    return [Answer(question=question, choice=key) for key in chosen]


def _option_keys(question: Question) -> dict[str, str]:
    """{key or text in any language: key}: an answer stores the option's key,
    whichever language the participant read it in."""
    keys: dict[str, str] = {}
    options = question.stored_options
    for option in options:
        for name, text in option.items():
            if name != "key" and text:
                keys.setdefault(text, option["key"])
    keys.update({option["key"]: option["key"] for option in options})
    return keys
