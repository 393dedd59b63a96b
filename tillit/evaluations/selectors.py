"""Reads worth a name: who may build, answer and read which evaluation.

Access selectors raise Http404, so a person without access cannot tell an
evaluation exists.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tillit.core.models import Organisation, Person
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.selectors import (  # noqa: F401 (re-exported)
    cohort_for_organiser,
    programmes_for_organiser,
)
from tillit.registrations.models import Registration

from .models import (
    Evaluation,
    EvaluationForm,
    EvaluationQuerySet,
    Question,
    Receipt,
)


def organisations_for(person: Person) -> QuerySet[Organisation]:
    """The organisations whose forms the person may build."""
    if person.is_superuser:
        return Organisation.objects.filter(programmes__isnull=False).distinct()
    return Organisation.objects.filter(staff=person)


def forms_for_organiser(person: Person) -> QuerySet[EvaluationForm]:
    return EvaluationForm.objects.filter(
        organisation__in=organisations_for(person)
    ).select_related("organisation")


def form_for_organiser(person: Person, pk: int) -> EvaluationForm:
    return get_object_or_404(forms_for_organiser(person), pk=pk)


def question_for_organiser(person: Person, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("form"),
        pk=pk,
        form__in=forms_for_organiser(person),
    )


def evaluation_for_organiser(person: Person, pk: int) -> Evaluation:
    return get_object_or_404(
        _evaluations(), pk=pk, cohort__programme__in=programmes_for_organiser(person)
    )


def _evaluations() -> EvaluationQuerySet:
    return Evaluation.objects.select_related(
        "form", "session", "cohort__programme__organiser"
    )


def evaluations_of_cohort(cohort: Cohort) -> EvaluationQuerySet:
    """The cohort's evaluations, sessions first in time, with answer counts."""
    return (
        _evaluations()
        .filter(cohort=cohort)
        .annotate_answer_count()
        .order_by("opens_at", "pk")
    )


# Participants --------------------------------------------------------------


def _confirmed(person: Person) -> QuerySet[Registration]:
    return Registration.objects.filter(
        person=person, status=Registration.Status.CONFIRMED
    )


def evaluation_to_answer(person: Person, pk: int) -> Evaluation:
    """The evaluation if the person is a confirmed participant of its cohort."""
    return get_object_or_404(
        _evaluations(), pk=pk, cohort__in=_confirmed(person).values("cohort")
    )


def has_answered(person: Person, evaluation: Evaluation) -> bool:
    return Receipt.objects.filter(evaluation=evaluation, person=person).exists()


def open_evaluations_for(
    person: Person, now: dt.datetime | None = None
) -> QuerySet[Evaluation]:
    """Evaluations open now in the person's cohorts that they have not answered."""
    if not person.is_authenticated:
        return Evaluation.objects.none()
    answered = Receipt.objects.filter(evaluation=OuterRef("pk"), person=person)
    return (
        _evaluations()
        .open_at(now or timezone.now())
        .filter(cohort__in=_confirmed(person).values("cohort"))
        .exclude(Exists(answered))
        .order_by("closes_at", "pk")
    )


# Results ---------------------------------------------------------------------


def programmes_for_results(person: Person) -> QuerySet[Programme]:
    """Programmes whose results the person may read: those they organise and
    those they teach (on the programme or in one of its sessions)."""
    teaches = Q(teachers=person) | Q(cohorts__sessions__teachers=person)
    taught = Programme.objects.filter(teaches).values("pk")
    return Programme.objects.filter(
        Q(pk__in=programmes_for_organiser(person).values("pk")) | Q(pk__in=taught)
    ).select_related("organiser")


def programme_for_results(person: Person, pk: int) -> Programme:
    return get_object_or_404(programmes_for_results(person), pk=pk)


def cohort_for_results(person: Person, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("programme__organiser"),
        pk=pk,
        programme__in=programmes_for_results(person),
    )


def evaluation_for_results(person: Person, pk: int) -> Evaluation:
    return get_object_or_404(
        _evaluations(), pk=pk, cohort__programme__in=programmes_for_results(person)
    )


def may_organise(person: Person, programme: Programme) -> bool:
    return programmes_for_organiser(person).filter(pk=programme.pk).exists()
