"""Everything that writes in the learning flow.

Callers find objects through the access selectors (selectors.*_for_staff,
*_for_participant), which check who may act; these services keep the rules
about time, state and other rows, and raise LearningError with a sentence a
person may read.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core import auditing, uploads
from tillit.core.content_languages import (
    localized_names,
    override_for,
    person_language,
)
from tillit.core.errors import DomainError
from tillit.core.models import Person
from tillit.notifications import services as notifications
from tillit.programmes.models import Cohort, Programme, Session
from tillit.registrations import services as registration_services
from tillit.registrations.models import CohortMessage, Registration

from . import selectors
from .models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    CompletionRule,
    Feedback,
    Milestone,
    Preparation,
    PreparationFile,
    SessionCode,
    Submission,
    SubmissionFile,
    random_code,
)

REMINDER_WINDOW = dt.timedelta(hours=48)
CHECK_IN_ATTEMPTS = 10
CHECK_IN_LOCKOUT_SECONDS = 15 * 60
#: What a session's preparation may hold, and what a new assignment accepts
#: until the teacher chooses (uploads.FILE_TYPES keys).
PREPARATION_TYPES = list(uploads.FILE_TYPES)
PREPARATION_MAX_MB = 25
ASSIGNMENT_DEFAULT_TYPES = ["pdf", "docx", "odt", "txt"]


class LearningError(DomainError):
    """A refused action, in words for the person who tried it."""


# Preparation ----------------------------------------------------------------------


def save_preparation(
    session: Session,
    *,
    actor: Person,
    links: str,
    text: str | None = None,
    **texts: str,
) -> Preparation:
    """The session's preparation: `text` in the active language, or per
    language (text_sv, text_fi, text_en); languages not given keep their text."""
    unknown = set(texts) - PREPARATION_TEXTS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    defaults = {"links": links, **texts}
    if text is not None:
        defaults["text"] = text
    preparation, _created = Preparation.objects.update_or_create(
        session=session, defaults=defaults
    )
    return preparation


@transaction.atomic
def add_preparation_file(
    session: Session, *, actor: Person, upload: Any
) -> PreparationFile:
    """Store a checked file (uploads.check) with the session's preparation."""
    kind = uploads.check(upload, allowed=PREPARATION_TYPES, max_mb=PREPARATION_MAX_MB)
    preparation, _created = Preparation.objects.get_or_create(session=session)
    return PreparationFile.objects.create(
        preparation=preparation, **uploads.stored_fields(upload, kind=kind, actor=actor)
    )


def delete_preparation_file(stored: PreparationFile, *, actor: Person) -> None:
    """Remove a file of a session's preparation (its file after the commit)."""
    uploads.delete(stored)


# Assignments ----------------------------------------------------------------------


ASSIGNMENT_FIELDS = {
    "kind",
    "session",
    "title",
    "instructions",
    "due_at",
    "allowed_types",
    "max_size_mb",
}
# Each text also per content language (title_sv, title_fi, title_en).
ASSIGNMENT_FIELDS |= localized_names(("title", "instructions"))
PREPARATION_TEXTS = localized_names(("text",))
MILESTONE_TEXTS = localized_names(("title",))


def _check_assignment(assignment: Assignment) -> None:
    session = assignment.session
    if session is not None and session.cohort_id != assignment.cohort_id:
        raise ValidationError({"session": _("Choose a session of this cohort.")})
    if assignment.kind == Assignment.Kind.PRE_SESSION and not assignment.session_id:
        raise ValidationError(
            {"session": _("A pre-session assignment belongs to a session.")}
        )
    unknown = set(assignment.allowed_types) - set(uploads.FILE_TYPES)
    if unknown:
        raise ValidationError({"allowed_types": _("Unknown file types.")})


@transaction.atomic
def create_assignment(cohort: Cohort, *, actor: Person, **fields: Any) -> Assignment:
    assert set(fields) <= ASSIGNMENT_FIELDS, set(fields) - ASSIGNMENT_FIELDS
    assignment = Assignment(cohort=cohort, **fields)
    _check_assignment(assignment)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def update_assignment(
    assignment: Assignment, *, actor: Person, **fields: Any
) -> Assignment:
    assert set(fields) <= ASSIGNMENT_FIELDS, set(fields) - ASSIGNMENT_FIELDS
    for name, value in fields.items():
        setattr(assignment, name, value)
    _check_assignment(assignment)
    assignment.full_clean()
    assignment.save()
    return assignment


def add_milestone(
    assignment: Assignment,
    *,
    actor: Person,
    due_at: dt.datetime,
    title: str | None = None,
    **texts: str,
) -> Milestone:
    """A milestone; `title` in the active language or per language (title_fi)."""
    if assignment.kind != Assignment.Kind.HOME:
        raise LearningError(_("Only a home assignment has milestones."))
    unknown = set(texts) - MILESTONE_TEXTS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    milestone = Milestone(assignment=assignment, due_at=due_at, **texts)
    if title is not None:
        milestone.title = title
    milestone.full_clean()
    milestone.save()
    return milestone


# Submissions and feedback --------------------------------------------------------


@transaction.atomic
def submit(
    assignment: Assignment,
    person: Person,
    *,
    text: str,
    files: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> Submission:
    """Hand in (or in again) a participant's answer with any new files.

    Raises LearningError when the person has no seat in the cohort, when the
    submission is already approved, or when it would be empty; ValidationError
    (from uploads.check) for a file of the wrong type or size, before anything
    is written.
    """
    now = now or timezone.now()
    if not selectors.is_participant(person, assignment.cohort):
        raise LearningError(_("Only the cohort's participants hand in assignments."))
    kinds = [
        uploads.check(
            f, allowed=assignment.allowed_types, max_mb=assignment.max_size_mb
        )
        for f in files
    ]
    submission = (
        Submission.objects.select_for_update()
        .filter(assignment=assignment, person=person)
        .first()
    )
    if submission and submission.status == Submission.Status.APPROVED:
        raise LearningError(_("This assignment is already approved."))
    if not text.strip() and not files and not (submission and submission.files.all()):
        raise LearningError(_("Write an answer or attach a file."))
    if submission is None:
        submission = Submission(assignment=assignment, person=person, version=1)
    elif submission.status == Submission.Status.REVISE:
        # A new version after "revise"; edits before any feedback keep theirs.
        submission.version += 1
    submission.text = text
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.save()
    for upload, kind in zip(files, kinds, strict=True):
        SubmissionFile.objects.create(
            submission=submission,
            version=submission.version,
            **uploads.stored_fields(upload, kind=kind, actor=person),
        )
    return submission


def delete_submission_file(stored: SubmissionFile, *, actor: Person) -> None:
    """The participant removes a file from their submission before approval."""
    if stored.submission.person_id != actor.pk:
        raise LearningError(_("You can only remove your own files."))
    if stored.submission.status == Submission.Status.APPROVED:
        raise LearningError(_("This assignment is already approved."))
    uploads.delete(stored)


@transaction.atomic
def give_feedback(
    submission: Submission,
    *,
    actor: Person,
    verdict: str,
    text: str,
    notify_person: bool = True,
) -> Feedback:
    """Record a teacher's feedback, set the submission's status and notify the
    participant once for this feedback (not when loading demo data:
    notify_person=False)."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status == Submission.Status.APPROVED:
        raise LearningError(_("This submission is already approved."))
    if not text.strip():
        raise LearningError(_("Write your feedback."))
    feedback = Feedback.objects.create(
        submission=submission,
        author=actor,
        verdict=verdict,
        text=text.strip(),
        version=submission.version,
    )
    submission.status = verdict
    submission.save(update_fields=["status"])
    if notify_person:
        notifications.notify(
            submission.person,
            kind=notifications.Kind.FEEDBACK_GIVEN,
            key=f"feedback:{feedback.pk}",
            template="learning/email/feedback_given",
            objects={"submission": submission, "feedback": feedback},
        )
    return feedback


# Attendance -----------------------------------------------------------------------


def mark_attendance(
    session: Session,
    person: Person,
    *,
    actor: Person,
    status: str,
    absence_reason: str = "",
    note: str = "",
) -> Attendance:
    """Mark a confirmed participant present or absent (with a reason)."""
    if not session.cohort.registrations.confirmed().filter(person=person).exists():
        raise LearningError(
            _("%(name)s has no seat in this cohort.") % {"name": person}
        )
    if status == Attendance.Status.PRESENT:
        absence_reason = ""
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        person=person,
        defaults={
            "status": status,
            "absence_reason": absence_reason,
            "note": note,
            "method": Attendance.Method.TEACHER,
            "marked_by": actor,
        },
    )
    return attendance


def clear_attendance(session: Session, person: Person, *, actor: Person) -> None:
    """Remove a participant's attendance mark; the trail records who removed it."""
    with auditing.acting(actor):
        Attendance.objects.filter(session=session, person=person).delete()


def ensure_session_code(session: Session) -> SessionCode:
    """The session's check-in code, made the first time it is asked for."""
    code = selectors.session_code(session)
    if code is None:
        try:
            with transaction.atomic():
                code = SessionCode.objects.create(session=session, code=random_code(6))
        except IntegrityError:
            code = SessionCode.objects.get(session=session)
    return code


def check_in(
    session: Session, person: Person, code: str, *, now: dt.datetime | None = None
) -> Attendance:
    """Mark a participant present with the code shown in the meeting.

    The code works from 30 minutes before the start until the end, only for the
    cohort's confirmed participants, and after CHECK_IN_ATTEMPTS wrong codes no
    more for a while (a six-character code cannot be guessed in ten tries).
    Raises LearningError otherwise.
    """
    now = now or timezone.now()
    if not selectors.is_participant(person, session.cohort):
        raise LearningError(_("Only the cohort's participants can check in."))
    if not selectors.check_in_is_open(session, now):
        raise LearningError(
            _("Check-in is open from 30 minutes before the session until it ends.")
        )
    attempts_key = f"learning:check-in:{session.pk}:{person.pk}"
    if cache.get(attempts_key, 0) >= CHECK_IN_ATTEMPTS:
        raise LearningError(
            _("Too many wrong codes. Ask your teacher to mark you present.")
        )
    stored = selectors.session_code(session)
    if stored is None or selectors.normalise_code(code) != stored.code:
        cache.add(attempts_key, 0, timeout=CHECK_IN_LOCKOUT_SECONDS)
        cache.incr(attempts_key)
        raise LearningError(_("That is not the code of this session. Try again."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        person=person,
        defaults={
            "status": Attendance.Status.PRESENT,
            "absence_reason": "",
            "method": Attendance.Method.CHECK_IN,
            "marked_by": person,
        },
    )
    return attendance


# Completion, certificates, alumni ----------------------------------------------


def save_completion_rule(
    programme: Programme,
    *,
    actor: Person,
    min_sessions: int | None,
    min_share: int,
    all_assignments: bool,
) -> CompletionRule:
    if min_sessions is None and min_share is None:
        raise ValidationError(
            _("Give a number of sessions or a share of the sessions.")
        )
    rule, _created = CompletionRule.objects.update_or_create(
        programme=programme,
        defaults={
            "min_sessions": min_sessions,
            "min_share": None if min_sessions is not None else min_share,
            "all_assignments": all_assignments,
        },
    )
    return rule


def _new_certificate_code() -> str:
    while True:
        raw = random_code(12)
        code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
        if not Certificate.objects.filter(code=code).exists():
            return code


def _content(cohort: Cohort) -> str:
    themes = ", ".join(t.name for t in cohort.programme.themes.all())
    sessions = [s.title for s in cohort.sessions.all()]
    lines = [themes] if themes else []
    return "\n".join([*lines, *sessions])


@transaction.atomic
def issue_certificates(
    cohort: Cohort,
    *,
    actor: Person,
    today: dt.date | None = None,
    notify_people: bool = True,
) -> list[Certificate]:
    """A certificate for every participant who has completed the cohort and has
    none yet, and alumni membership of the programme, each told by e-mail
    (unless notify_people=False, for demo data). Safe to repeat: returns only
    what it issued now."""
    cohort = type(cohort).objects.select_for_update().get(pk=cohort.pk)
    completed = [
        row.person
        for row in selectors.completion(cohort, today=today)
        if row.status == selectors.CompletionStatus.COMPLETED
        and not row.has_certificate
    ]
    programme = cohort.programme
    hours = selectors.hours(cohort)
    contents = {}  # per language: what the certificate says, in its holder's words
    issued = []
    for person in completed:
        with override_for(person):
            language = person_language(person)
            if language not in contents:
                contents[language] = (programme.title, cohort.name, _content(cohort))
        title, cohort_name, content = contents[language]
        certificate = Certificate.objects.create(
            person=person,
            cohort=cohort,
            code=_new_certificate_code(),
            participant_name=person.get_full_name() or person.email,
            programme_title=title,
            cohort_name=cohort_name,
            organiser_name=programme.organiser.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            hours=hours,
            content=content,
            issued_by=actor,
        )
        AlumniMembership.objects.get_or_create(programme=programme, person=person)
        if notify_people:
            notifications.notify(
                person,
                kind=notifications.Kind.CERTIFICATE_READY,
                key=f"certificate:{certificate.pk}",
                template="learning/email/certificate_ready",
                objects={"certificate": certificate},
            )
        issued.append(certificate)
    return issued


# Reminders ------------------------------------------------------------------------


def send_assignment_reminders(now: dt.datetime) -> int:
    """Notify participants who have not handed in an assignment due within the
    next 48 hours. Each person hears once per assignment (the key)."""
    sent = 0
    assignments = selectors.assignments_due(now, REMINDER_WINDOW).select_related(
        "cohort"
    )
    for assignment in assignments:
        waiting = assignment.cohort.registrations.filter(
            status=Registration.Status.CONFIRMED
        ).exclude(person__submissions__assignment=assignment)
        for registration in waiting.select_related("person"):
            notifications.notify(
                registration.person,
                kind=notifications.Kind.ASSIGNMENT_DUE,
                key=f"assignment-due:{assignment.pk}:{registration.person_id}",
                template="learning/email/assignment_due",
                objects={"assignment": assignment},
            )
            sent += 1
    return sent


# Messages to a cohort ------------------------------------------------------------


def message_cohort(
    cohort: Cohort,
    *,
    actor: Person,
    audience: str,
    subject: str,
    body: str,
    key: str,
    assignment: Assignment | None = None,
    expected: int | None = None,
) -> tuple[CohortMessage, bool]:
    """Send an organiser's e-mail to the group `audience` of `cohort` (for
    NOT_SUBMITTED, those who have not handed in `assignment`), one mail per
    person through the outbox, and record it on the cohort. The caller checks
    that `actor` organises the cohort. `key` is the form's: the same key sends
    once, whoever asks again. Returns (message, created); raises
    registrations' MessageRefused (RecipientsChanged when the group no longer
    has `expected` people)."""
    recipients = selectors.message_recipients(cohort, audience, assignment)
    return registration_services.send_message(
        cohort,
        actor=actor,
        audience=audience,
        recipients=recipients,
        subject=subject,
        body=body,
        key=f"{cohort.pk}:{actor.pk}:{key}",
        assignment_title=assignment.title if assignment else "",
        expected=expected,
    )
