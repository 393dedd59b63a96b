import datetime as dt

import factory
from django.utils import timezone

from tillit.learning.models import (
    Assignment,
    Attendance,
    CompletionRule,
    Preparation,
    Submission,
)
from tillit.programmes.tests.factories import CohortFactory, SessionFactory


class PreparationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preparation

    session = factory.SubFactory(SessionFactory)
    text = "Läs rapporten om digital mognad och fundera på er egen organisation."
    links = "Rapporten | https://example.org/rapport"


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A pre-session assignment due the day before its session."""

    class Meta:
        model = Assignment

    session = factory.SubFactory(SessionFactory)
    cohort = factory.LazyAttribute(lambda a: a.session.cohort)
    kind = Assignment.Kind.PRE_SESSION
    title = factory.Sequence(lambda n: f"Uppgift inför tillfället {n}")
    instructions = "Beskriv en styrningsutmaning i din verksamhet."
    due_at = factory.LazyAttribute(lambda a: a.session.starts_at - dt.timedelta(days=1))
    allowed_types = factory.LazyFunction(lambda: ["pdf", "docx", "txt"])
    max_size_mb = 5


class HomeAssignmentFactory(AssignmentFactory):
    session = None
    cohort = factory.SubFactory(CohortFactory)
    kind = Assignment.Kind.HOME
    title = "Arbetsintegrerad hemuppgift"
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    assignment = factory.SubFactory(AssignmentFactory)
    person = factory.SubFactory("tillit.core.tests.factories.PersonFactory")
    text = "Mitt svar."
    status = Submission.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory("tillit.core.tests.factories.PersonFactory")
    status = Attendance.Status.PRESENT
    method = Attendance.Method.TEACHER


class CompletionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompletionRule

    min_sessions = 2
    all_assignments = True
