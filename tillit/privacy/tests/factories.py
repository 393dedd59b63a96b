import datetime as dt
import uuid

from django.utils import timezone

from tillit.evaluations.models import Answer, Question, Receipt, Response
from tillit.evaluations.tests.factories import EvaluationFactory, QuestionFactory
from tillit.learning.models import Certificate


def certificate_for(person, cohort, **fields):
    return Certificate.objects.create(
        person=person,
        cohort=cohort,
        code=uuid.uuid4().hex[:12],
        participant_name=person.get_full_name(),
        programme_title=cohort.programme.title,
        cohort_name=cohort.name,
        organiser_name=cohort.programme.organiser.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        hours=12,
        content="Genomfört med godkänt resultat.",
        **fields,
    )


def free_text_answer(person, cohort, *, text="Mycket bra dag", closed_days_ago=0):
    """A closed evaluation of the cohort with one free-text answer and a
    receipt by `person`."""
    closes_at = timezone.now() - dt.timedelta(days=closed_days_ago)
    evaluation = EvaluationFactory(
        cohort=cohort,
        opens_at=closes_at - dt.timedelta(days=14),
        closes_at=closes_at,
    )
    question = QuestionFactory(form=evaluation.form, kind=Question.Kind.TEXT)
    response = Response.objects.create(
        evaluation=evaluation, person=person, submitted_on=timezone.localdate()
    )
    Receipt.objects.create(evaluation=evaluation, person=person)
    return Answer.objects.create(response=response, question=question, text=text)
