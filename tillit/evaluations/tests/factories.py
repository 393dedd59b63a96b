import datetime as dt

import factory
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory
from tillit.evaluations import services
from tillit.evaluations.models import Evaluation, EvaluationForm, Question
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory


class EvaluationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationForm

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Kursutvärdering {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    form = factory.SubFactory(EvaluationFormFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.LIKERT
    text = factory.Sequence(lambda n: f"Hur nöjd är du med del {n}?")
    low_label = "Inte alls"
    high_label = "Mycket"


class EvaluationFactory(factory.django.DjangoModelFactory):
    """An evaluation of a whole cohort, open now (opened yesterday)."""

    class Meta:
        model = Evaluation

    form = factory.LazyAttribute(
        lambda e: EvaluationFormFactory(organisation=e.cohort.programme.organiser)
    )
    cohort = factory.SubFactory(CohortFactory)
    session = None
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda e: e.opens_at + dt.timedelta(days=14))


def participants(cohort, count):
    """`count` confirmed participants of the cohort."""
    return [
        RegistrationFactory(cohort=cohort, status=Registration.Status.CONFIRMED).person
        for _ in range(count)
    ]


def answer_as(evaluation, people, values):
    """Each person answers; `values(index)` gives the {question: value} map."""
    return [
        services.submit(evaluation, person, values(index))
        for index, person in enumerate(people)
    ]


def close(evaluation):
    """Close the evaluation now: its results may be shown from here on."""
    evaluation.closes_at = timezone.now() - dt.timedelta(seconds=1)
    evaluation.opens_at = min(evaluation.opens_at, evaluation.closes_at)
    evaluation.opens_at -= dt.timedelta(days=1)
    evaluation.save(update_fields=["opens_at", "closes_at"])
    return evaluation
