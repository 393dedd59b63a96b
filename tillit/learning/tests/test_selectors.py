import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory
from tillit.learning import selectors
from tillit.learning.selectors import CompletionStatus
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations.tests.factories import RegistrationFactory

from .factories import (
    AssignmentFactory,
    AttendanceFactory,
    CompletionRuleFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    """Six sessions and one assignment; the rule: 5 of 6 and every assignment."""
    cohort = CohortFactory()
    for day in range(6):
        SessionFactory(
            cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=30 + day)
        )
    AssignmentFactory(session=cohort.sessions.first())
    CompletionRuleFactory(programme=cohort.programme, min_sessions=5)
    return cohort


def attend(cohort, person, count, status="present"):
    for session in cohort.sessions.all()[:count]:
        AttendanceFactory(session=session, person=person, status=status)


def approve(cohort, person):
    for assignment in cohort.assignments.all():
        SubmissionFactory(assignment=assignment, person=person, status="approved")


def status_of(cohort, person, today=None):
    return selectors.progress_of(person, cohort, today=today).status


def test_five_of_six_sessions_and_the_assignment_approved_is_completed(cohort):
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 5)
    approve(cohort, person)

    assert status_of(cohort, person) == CompletionStatus.COMPLETED


def test_an_unapproved_assignment_keeps_completion_in_progress(cohort):
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 6)
    SubmissionFactory(
        assignment=cohort.assignments.get(), person=person, status="revise"
    )

    assert status_of(cohort, person) == CompletionStatus.IN_PROGRESS


def test_two_absences_of_six_make_completion_impossible(cohort):
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 2, status="absent")

    progress = selectors.progress_of(person, cohort)

    assert progress.status == CompletionStatus.NOT_COMPLETED
    assert progress.absent == 2


def test_a_cohort_that_ended_without_completion_is_not_completed(cohort):
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 4)
    after_the_end = cohort.ends_on + dt.timedelta(days=1)

    assert status_of(cohort, person, today=after_the_end) == (
        CompletionStatus.NOT_COMPLETED
    )


def test_a_share_rule_rounds_up(cohort):
    rule = cohort.programme.completion_rule
    rule.min_sessions, rule.min_share = None, 80
    rule.save()
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 4)
    approve(cohort, person)

    progress = selectors.progress_of(person, cohort)

    assert progress.sessions_needed == 5  # 80 % of 6 = 4.8
    assert progress.status == CompletionStatus.IN_PROGRESS


def test_without_a_rule_every_session_and_assignment_is_needed():
    session = SessionFactory()
    person = RegistrationFactory(cohort=session.cohort).person
    AttendanceFactory(session=session, person=person)

    assert status_of(session.cohort, person) == CompletionStatus.COMPLETED


def test_a_rule_without_assignments_ignores_them(cohort):
    rule = cohort.programme.completion_rule
    rule.all_assignments = False
    rule.save()
    person = RegistrationFactory(cohort=cohort).person
    attend(cohort, person, 5)

    assert status_of(cohort, person) == CompletionStatus.COMPLETED


def test_progress_counts_only_this_cohort(cohort):
    person = RegistrationFactory(cohort=cohort).person
    other = SessionFactory()
    AttendanceFactory(session=other, person=person)

    assert selectors.progress_of(person, cohort).attended == 0


def test_completion_lists_only_confirmed_participants(cohort):
    confirmed = RegistrationFactory(cohort=cohort).person
    RegistrationFactory(cohort=cohort, status="waitlisted")

    assert [row.person for row in selectors.completion(cohort)] == [confirmed]


def test_completion_takes_the_same_queries_for_many_participants(
    cohort, django_assert_num_queries
):
    for _ in range(3):
        person = RegistrationFactory(cohort=cohort).person
        attend(cohort, person, 3)
    cohort = type(cohort).objects.select_related("programme").get(pk=cohort.pk)
    with django_assert_num_queries(4):
        few = selectors.completion(cohort)
    for _ in range(7):
        person = RegistrationFactory(cohort=cohort).person
        attend(cohort, person, 5)
        approve(cohort, person)

    with django_assert_num_queries(4):
        many = selectors.completion(cohort)

    assert len(few) == 3
    assert len(many) == 10
    assert sum(row.status == CompletionStatus.COMPLETED for row in many) == 7


def test_teaching_cohorts_include_session_teachers():
    session = SessionFactory()
    teacher = PersonFactory()
    session.teachers.add(teacher)

    assert list(selectors.teaching_cohorts(teacher)) == [session.cohort]


def test_hours_are_the_sum_of_session_durations():
    session = SessionFactory()  # three hours
    SessionFactory(
        cohort=session.cohort,
        starts_at=session.starts_at + dt.timedelta(days=7),
        ends_at=session.starts_at + dt.timedelta(days=7, hours=1, minutes=30),
    )

    assert selectors.hours(session.cohort) == 4.5
