"""Course evaluations in the register of personal data, and their retention
kinds: free-text answers and receipts go after the organiser's set time."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    Erasure,
    declare,
    declare_free,
    declare_retention,
)

from .models import Answer, EvaluationForm, Receipt, Response

EVALUATION_KEPT = _(
    "Numbers and choices are kept for the results; free text goes by the "
    "organiser's retention rule or when you ask for erasure."
)

declare(
    Response,
    purpose=_("Your answers to course evaluations (anonymous ones are not linked)."),
    retention=EVALUATION_KEPT,
    erasure=Erasure.ANONYMISE,
    clear={"person": None},
)
declare(
    Answer,
    owners=("response__person",),
    purpose=_("Your answers to course evaluations (anonymous ones are not linked)."),
    retention=EVALUATION_KEPT,
    erasure=Erasure.ANONYMISE,
    clear={"text": ""},
    # A choice is stored as its option's key ("o2"); the export gives the
    # option's text, as the person read it.
    shown={"choice": lambda a: a.question.option_label(a.choice) if a.choice else ""},
)
declare(
    Receipt,
    purpose=_("That you have answered an evaluation, so you are not asked again."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
)
declare_free(EvaluationForm, reason="An evaluation form's questions.")


def _answers_due(organisation, cutoff):
    return Answer.objects.filter(
        response__evaluation__cohort__programme__organiser=organisation,
        response__evaluation__closes_at__lt=cutoff,
    ).exclude(text="")


def _receipts_due(organisation, cutoff):
    return Receipt.objects.filter(
        evaluation__cohort__programme__organiser=organisation,
        evaluation__closes_at__lt=cutoff,
    )


declare_retention(
    "evaluation_free_text",
    label=_("Free-text answers to evaluations"),
    description=_("Counted from when the evaluation closed; numbers stay."),
    due=_answers_due,
    dispose=lambda rows: rows.update(text=""),
)
declare_retention(
    "evaluation_receipts",
    label=_("Receipts of who answered evaluations"),
    description=_("Counted from when the evaluation closed."),
    due=_receipts_due,
    dispose=lambda rows: rows.delete()[0],
)
