"""Reads worth a name: who may see what (access selectors raise Http404),
completion and progress, and what the participant home shows."""

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.core.models import Person
from tillit.programmes.models import Cohort, Programme, Session
from tillit.programmes.selectors import programmes_for_organiser
from tillit.registrations import selectors as registration_selectors
from tillit.registrations.models import CohortMessage, Registration

from .models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    CompletionRule,
    Feedback,
    PreparationFile,
    SessionCode,
    Submission,
    SubmissionFile,
)

CHECK_IN_OPENS_BEFORE = dt.timedelta(minutes=30)


# Who is who in a cohort --------------------------------------------------------


def teaching_cohorts(person: Person) -> QuerySet[Cohort]:
    """Cohorts a person teaches: as a teacher of the programme or of a session."""
    return Cohort.objects.filter(
        Q(programme__teachers=person) | Q(sessions__teachers=person)
    ).distinct()


def teaches_or_organises(person: Person) -> bool:
    """Whether to show a person the Teaching page in the menu."""
    if not person.is_authenticated:
        return False
    return teaching_cohorts(person).exists() or (
        programmes_for_organiser(person).exists()
    )


def staffed_cohorts(person: Person) -> QuerySet[Cohort]:
    """Cohorts a person teaches or organises."""
    if not person.is_authenticated:
        return Cohort.objects.none()
    organised = Q(programme__in=programmes_for_organiser(person))
    taught = Q(pk__in=teaching_cohorts(person).values("pk"))
    return Cohort.objects.filter(organised | taught)


def is_organiser_of(person: Person, cohort: Cohort) -> bool:
    return (
        person.is_authenticated
        and programmes_for_organiser(person).filter(pk=cohort.programme_id).exists()
    )


def is_participant(person: Person, cohort: Cohort) -> bool:
    return (
        person.is_authenticated
        and cohort.registrations.confirmed().filter(person=person).exists()
    )


def cohort_for_staff(person: Person, pk: int) -> Cohort:
    """The cohort if the person teaches or organises it, else Http404."""
    return get_object_or_404(
        staffed_cohorts(person).select_related("programme__organiser"), pk=pk
    )


def cohort_for_organiser(person: Person, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("programme__organiser").filter(
            programme__in=programmes_for_organiser(person)
        ),
        pk=pk,
    )


def session_for_staff(person: Person, pk: int) -> Session:
    session = Session.objects.filter(pk=pk).select_related("cohort").first()
    if session is None:
        raise Http404
    session.cohort = cohort_for_staff(person, session.cohort_id)
    return session


def session_for_member(person: Person, pk: int) -> Session:
    """A session for its cohort's confirmed participants, teachers and organisers."""
    session = Session.objects.filter(pk=pk).select_related("cohort").first()
    if session is None or not person.is_authenticated:
        raise Http404
    if not is_participant(person, session.cohort):
        session.cohort = cohort_for_staff(person, session.cohort_id)
    else:
        session.cohort = Cohort.objects.select_related("programme__organiser").get(
            pk=session.cohort_id
        )
    return session


def assignment_for_staff(person: Person, pk: int) -> Assignment:
    assignment = Assignment.objects.filter(pk=pk).first()
    if assignment is None:
        raise Http404
    assignment.cohort = cohort_for_staff(person, assignment.cohort_id)
    return assignment


def assignment_for_participant(person: Person, pk: int) -> Assignment:
    """An assignment for a confirmed participant of its cohort, else Http404."""
    assignment = (
        Assignment.objects.filter(pk=pk)
        .select_related("cohort__programme", "session")
        .first()
    )
    if assignment is None or not is_participant(person, assignment.cohort):
        raise Http404
    return assignment


def submission_for_staff(person: Person, pk: int) -> Submission:
    submission = (
        Submission.objects.filter(pk=pk)
        .select_related("assignment__session", "person")
        .first()
    )
    if submission is None:
        raise Http404
    submission.assignment.cohort = cohort_for_staff(
        person, submission.assignment.cohort_id
    )
    return submission


def submission_file_for(person: Person, pk: int) -> SubmissionFile:
    """A submitted file for the participant who owns it, the cohort's teachers
    and the programme's organisers; for everyone else Http404."""
    stored = (
        SubmissionFile.objects.filter(pk=pk)
        .select_related("submission__assignment")
        .first()
    )
    if stored is None or not person.is_authenticated:
        raise Http404
    if stored.submission.person_id != person.pk:
        cohort_for_staff(person, stored.submission.assignment.cohort_id)
    return stored


def preparation_file_for(person: Person, pk: int) -> PreparationFile:
    """A preparation file for the cohort's participants, teachers and organisers."""
    stored = (
        PreparationFile.objects.filter(pk=pk)
        .select_related("preparation__session")
        .first()
    )
    if stored is None:
        raise Http404
    session_for_member(person, stored.preparation.session_id)
    return stored


def certificate_for(person: Person, pk: int) -> Certificate:
    """A certificate for its holder and the programme's organisers."""
    certificate = Certificate.objects.filter(pk=pk).select_related("cohort").first()
    if certificate is None or not person.is_authenticated:
        raise Http404
    if certificate.person_id != person.pk:
        cohort_for_organiser(person, certificate.cohort_id)
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code, typed in any case, with or without
    spaces and dashes; None when there is none."""
    cleaned = normalise_code(code)
    if not cleaned:
        return None
    formatted = "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))
    return Certificate.objects.filter(code=formatted).first()


def normalise_code(code: str) -> str:
    return "".join(c for c in str(code).upper() if c.isalnum())


# Check-in -----------------------------------------------------------------------


def check_in_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - CHECK_IN_OPENS_BEFORE, session.ends_at


def check_in_is_open(session: Session, now: dt.datetime) -> bool:
    opens, closes = check_in_window(session)
    return opens <= now <= closes


def session_code(session: Session) -> SessionCode | None:
    return SessionCode.objects.filter(session=session).first()


# Completion ---------------------------------------------------------------------


class CompletionStatus:
    do_not_call_in_templates = True

    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    NOT_COMPLETED = "not_completed"

    LABELS = {
        COMPLETED: _("Completed"),
        IN_PROGRESS: _("In progress"),
        NOT_COMPLETED: _("Not completed"),
    }


DEFAULT_RULE = CompletionRule(min_share=100, all_assignments=True)


def completion_rule(programme: Programme) -> CompletionRule:
    """The programme's rule; without one, every session and every assignment."""
    return CompletionRule.objects.filter(programme=programme).first() or DEFAULT_RULE


@dataclass(frozen=True)
class Progress:
    person: Person
    sessions_total: int
    sessions_needed: int
    attended: int
    absent: int
    assignments_total: int
    assignments_needed: int
    approved: int
    has_certificate: bool
    status: str

    Status = CompletionStatus

    @property
    def status_label(self) -> str | Promise:
        return CompletionStatus.LABELS[self.status]

    @property
    def percent(self) -> int:
        """Share of what the rule asks that is done, 0–100."""
        needed = self.sessions_needed + self.assignments_needed
        if not needed:
            return 100
        done = min(self.attended, self.sessions_needed) + min(
            self.approved, self.assignments_needed
        )
        return round(100 * done / needed)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values("person")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _participants(cohort: Cohort) -> QuerySet[Person]:
    """The cohort's confirmed participants, each with the counts completion needs,
    in one query."""
    sessions = Attendance.objects.filter(
        person=OuterRef("pk"),
        session__cohort=cohort,
        session__cancelled_at__isnull=True,
    )
    approved = Submission.objects.filter(
        person=OuterRef("pk"),
        assignment__cohort=cohort,
        status=Submission.Status.APPROVED,
    )
    return (
        Person.objects.filter(
            registrations__cohort=cohort,
            registrations__status=Registration.Status.CONFIRMED,
        )
        .select_related("organisation")
        .annotate(
            attended=_count(sessions.filter(status=Attendance.Status.PRESENT)),
            absent=_count(sessions.filter(status=Attendance.Status.ABSENT)),
            approved=_count(approved),
            has_certificate=Exists(
                Certificate.objects.filter(person=OuterRef("pk"), cohort=cohort)
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )


def _progress(
    person: Any,
    *,
    rule: CompletionRule,
    sessions_total: int,
    assignments_total: int,
    ended: bool,
) -> Progress:
    needed = rule.sessions_needed(sessions_total)
    assignments_needed = assignments_total if rule.all_assignments else 0
    met = person.attended >= needed and person.approved >= assignments_needed
    if person.has_certificate or met:
        status = CompletionStatus.COMPLETED
    elif ended or sessions_total - person.absent < needed:
        status = CompletionStatus.NOT_COMPLETED
    else:
        status = CompletionStatus.IN_PROGRESS
    return Progress(
        person=person,
        sessions_total=sessions_total,
        sessions_needed=needed,
        attended=person.attended,
        absent=person.absent,
        assignments_total=assignments_total,
        assignments_needed=assignments_needed,
        approved=person.approved,
        has_certificate=person.has_certificate,
        status=status,
    )


def completion(
    cohort: Cohort, *, today: dt.date | None = None, person: Person | None = None
) -> list[Progress]:
    """Each confirmed participant's progress and completion status, by name.

    Completed: the rule is met (or a certificate was issued). Not completed: the
    cohort has ended, or too many sessions were missed to meet the rule. Else in
    progress. Four queries, however many participants.
    """
    today = today or timezone.localdate()
    rule = completion_rule(cohort.programme)
    # Cancelled sessions neither count towards the rule nor against anyone.
    sessions_total = cohort.sessions.filter(cancelled_at__isnull=True).count()
    assignments_total = cohort.assignments.count()
    people = _participants(cohort)
    if person is not None:
        people = people.filter(pk=person.pk)
    return [
        _progress(
            p,
            rule=rule,
            sessions_total=sessions_total,
            assignments_total=assignments_total,
            ended=cohort.ends_on < today,
        )
        for p in people
    ]


def progress_of(
    person: Person, cohort: Cohort, *, today: dt.date | None = None
) -> Progress | None:
    rows = completion(cohort, today=today, person=person)
    return rows[0] if rows else None


def hours(cohort: Cohort) -> Decimal:
    """Teaching hours: the sum of the sessions' durations."""
    seconds = sum(
        (s.ends_at - s.starts_at).total_seconds()
        for s in cohort.sessions.filter(cancelled_at__isnull=True)
    )
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))


# Pages ----------------------------------------------------------------------------


def submissions_for_review(
    assignment: Assignment,
) -> list[tuple[Person, Submission | None]]:
    """The assignment's participants with their submission (or None)."""
    submissions = {
        s.person_id: s
        for s in assignment.submissions.select_related("person").prefetch_related(
            "files"
        )
    }
    people = Person.objects.filter(
        registrations__cohort_id=assignment.cohort_id,
        registrations__status=Registration.Status.CONFIRMED,
    ).order_by("last_name", "first_name", "pk")
    return [(person, submissions.get(person.pk)) for person in people]


def cohort_overview(cohort: Cohort) -> tuple[list[Session], list[Assignment]]:
    """Sessions and assignments of a cohort for its teachers and organisers, with
    the number of submissions waiting for feedback."""
    sessions = cohort.sessions.prefetch_related("teachers").select_related(
        "preparation"
    )
    assignments = (
        cohort.assignments.select_related("session")
        .prefetch_related("milestones")
        .annotate(
            to_review=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.SUBMITTED),
            ),
            handed_in=Count("submissions"),
        )
    )
    return list(sessions), list(assignments)


def teaching_overview(person: Person) -> tuple[list[Cohort], list[Cohort]]:
    """The cohorts a person teaches, and those they organise, newest first, each
    with the number of submissions waiting for feedback."""
    waiting = Count(
        "assignments__submissions",
        filter=Q(assignments__submissions__status=Submission.Status.SUBMITTED),
    )

    def annotated(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
        return (
            cohorts.select_related("programme__organiser")
            .annotate(to_review=waiting)
            .order_by("-starts_on", "pk")
        )

    taught = annotated(
        Cohort.objects.filter(pk__in=teaching_cohorts(person).values("pk"))
    )
    organised = annotated(
        Cohort.objects.filter(
            programme__in=programmes_for_organiser(person).programmes()
        ).exclude(pk__in=teaching_cohorts(person).values("pk"))
    )
    return list(taught), list(organised)


@dataclass(frozen=True)
class CohortHome:
    cohort: Cohort
    next_session: Session | None
    upcoming: list[Session]
    assignments: list[tuple[Assignment, Submission | None]]
    progress: Progress | None


def _my_cohorts(person: Person, today: dt.date) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(
            registrations__person=person,
            registrations__status=Registration.Status.CONFIRMED,
        )
        .select_related("programme__organiser")
        .order_by("-ends_on", "pk")
    )


def home(person: Person, *, now: dt.datetime | None = None) -> list[CohortHome]:
    """What the participant home shows, per cohort the person has a seat in."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    submissions = Submission.objects.filter(person=person)
    cohorts = _my_cohorts(person, today).prefetch_related(
        Prefetch(
            "sessions",
            queryset=Session.objects.select_related("preparation").prefetch_related(
                "assignments"
            ),
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("session").prefetch_related(
                "milestones", Prefetch("submissions", queryset=submissions)
            ),
        ),
    )
    rows = []
    for cohort in _with_own_counts(cohorts, person):
        sessions = list(cohort.sessions.all())
        upcoming = [s for s in sessions if s.ends_at >= now]
        held = [s for s in upcoming if not s.cancelled_at]
        assignments = [
            (a, next(iter(a.submissions.all()), None)) for a in cohort.assignments.all()
        ]
        rows.append(
            CohortHome(
                cohort=cohort,
                next_session=held[0] if held else None,
                upcoming=upcoming,
                assignments=assignments,
                progress=_own_progress(person, cohort, sessions, assignments, today),
            )
        )
    return rows


def _own_count(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("person").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _with_own_counts(cohorts: QuerySet[Cohort], person: Person) -> QuerySet[Cohort]:
    """The person's completion counts per cohort in the cohorts' own query (the
    numbers `completion(cohort, person=person)` counts one cohort at a time)."""
    attendance = Attendance.objects.filter(
        person=person, session__cohort=OuterRef("pk")
    )
    return cohorts.select_related("programme__completion_rule").annotate(
        own_attended=_own_count(attendance.filter(status=Attendance.Status.PRESENT)),
        own_absent=_own_count(attendance.filter(status=Attendance.Status.ABSENT)),
        own_approved=_own_count(
            Submission.objects.filter(
                person=person,
                assignment__cohort=OuterRef("pk"),
                status=Submission.Status.APPROVED,
            )
        ),
        own_certificate=Exists(
            Certificate.objects.filter(person=person, cohort=OuterRef("pk"))
        ),
    )


def _own_progress(
    person: Person,
    cohort: Any,
    sessions: list[Session],
    assignments: list[tuple[Assignment, Submission | None]],
    today: dt.date,
) -> Progress:
    """progress_of(person, cohort) from _with_own_counts and the prefetched
    sessions and assignments, without a query."""
    try:
        rule = cohort.programme.completion_rule
    except CompletionRule.DoesNotExist:
        rule = DEFAULT_RULE
    own: Any = copy.copy(person)
    own.attended, own.absent = cohort.own_attended, cohort.own_absent
    own.approved, own.has_certificate = cohort.own_approved, cohort.own_certificate
    return _progress(
        own,
        rule=rule,
        sessions_total=len(sessions),
        assignments_total=len(assignments),
        ended=cohort.ends_on < today,
    )


def feedback_received(person: Person, limit: int = 10) -> list[Feedback]:
    return list(
        Feedback.objects.filter(submission__person=person)
        .select_related("submission__assignment", "author")
        .order_by("-created_at", "-pk")[:limit]
    )


def certificates_of(person: Person) -> list[Certificate]:
    return list(person.certificates.select_related("cohort__programme"))


def alumni_of(person: Person) -> list[AlumniMembership]:
    return list(
        AlumniMembership.objects.filter(person=person)
        .select_related("programme")
        .order_by("programme__title")
    )


def assignments_due(now: dt.datetime, within: dt.timedelta) -> QuerySet[Assignment]:
    """Assignments due between now and now + within."""
    return Assignment.objects.filter(due_at__gt=now, due_at__lte=now + within)


# Whom an organiser may write to ---------------------------------------------------


def not_handed_in(assignment: Assignment) -> QuerySet[Person]:
    """The cohort's confirmed participants with no submission of the
    assignment (a submission sent back for revision counts as handed in)."""
    return registration_selectors.participants(assignment.cohort).exclude(
        submissions__assignment=assignment
    )


def message_recipients(
    cohort: Cohort, audience: str, assignment: Assignment | None = None
) -> QuerySet[Person]:
    """The people of `cohort` in the CohortMessage.Audience `audience`, by
    name; NOT_SUBMITTED needs the cohort's `assignment`."""
    Audience = CohortMessage.Audience
    if audience == Audience.CONFIRMED:
        return registration_selectors.participants(cohort)
    if audience == Audience.WAITLIST:
        return registration_selectors.waitlisted_people(cohort)
    if audience == Audience.NOT_SUBMITTED and assignment is not None:
        if assignment.cohort_id != cohort.pk:
            raise ValueError("The assignment is not the cohort's.")
        return not_handed_in(assignment)
    raise ValueError(f"Unknown audience {audience!r}.")
