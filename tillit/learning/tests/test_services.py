import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory, pdf_upload, upload
from tillit.learning import selectors, services
from tillit.learning.models import (
    AlumniMembership,
    Attendance,
    Certificate,
    Submission,
    SubmissionFile,
)
from tillit.programmes.tests.factories import SessionFactory
from tillit.registrations.tests.factories import RegistrationFactory

from .factories import (
    AssignmentFactory,
    CompletionRuleFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    return AssignmentFactory()


@pytest.fixture
def participant(assignment):
    return RegistrationFactory(cohort=assignment.cohort).person


# Submissions -------------------------------------------------------------------


def test_a_participant_hands_in_text_and_a_file(assignment, participant):
    submission = services.submit(
        assignment, participant, text="Mitt svar", files=[pdf_upload()]
    )

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.version == 1
    stored = submission.files.get()
    assert stored.file_type == "pdf"
    assert stored.original_name == "svar.pdf"
    assert "svar" not in stored.file.name


def test_a_file_of_the_wrong_type_writes_nothing(assignment, participant):
    fake = upload("svar.pdf", b"<html><script>x()</script></html>")

    with pytest.raises(ValidationError):
        services.submit(assignment, participant, text="Svar", files=[fake])

    assert not Submission.objects.exists()
    assert not SubmissionFile.objects.exists()


def test_someone_without_a_seat_cannot_hand_in(assignment):
    with pytest.raises(services.LearningError):
        services.submit(assignment, PersonFactory(), text="Svar")


def test_a_waitlisted_person_cannot_hand_in(assignment):
    waiting = RegistrationFactory(cohort=assignment.cohort, status="waitlisted")

    with pytest.raises(services.LearningError):
        services.submit(assignment, waiting.person, text="Svar")


def test_an_empty_answer_is_refused(assignment, participant):
    with pytest.raises(services.LearningError):
        services.submit(assignment, participant, text="  ")


def test_a_resubmission_after_revise_is_a_new_version(assignment, participant):
    submission = services.submit(assignment, participant, text="Första utkastet")
    services.give_feedback(
        submission, actor=PersonFactory(), verdict="revise", text="Utveckla mer."
    )

    again = services.submit(assignment, participant, text="Andra versionen")

    assert again.pk == submission.pk
    assert again.version == 2
    assert again.status == Submission.Status.SUBMITTED


def test_editing_before_feedback_keeps_the_version(assignment, participant):
    services.submit(assignment, participant, text="Utkast")

    again = services.submit(assignment, participant, text="Rättat")

    assert again.version == 1
    assert again.text == "Rättat"


def test_an_approved_submission_cannot_be_changed(assignment, participant):
    SubmissionFactory(assignment=assignment, person=participant, status="approved")

    with pytest.raises(services.LearningError):
        services.submit(assignment, participant, text="Nytt")


# Feedback ------------------------------------------------------------------------


def test_feedback_sets_the_status_and_mails_the_participant_once(
    assignment, participant, mailoutbox, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(assignment=assignment, person=participant)
    teacher = PersonFactory(first_name="Greta", last_name="Lärare")

    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.give_feedback(
            submission, actor=teacher, verdict="approved", text="Mycket bra."
        )

    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert feedback.version == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [participant.email]
    assert assignment.title in mailoutbox[0].subject
    assert "Mycket bra." in mailoutbox[0].body
    assert "Greta Lärare" in mailoutbox[0].body


def test_each_feedback_act_is_mailed(
    assignment, participant, mailoutbox, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(assignment=assignment, person=participant)
    teacher = PersonFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.give_feedback(submission, actor=teacher, verdict="revise", text="A")
        services.submit(assignment, participant, text="Nytt")
        services.give_feedback(submission, actor=teacher, verdict="approved", text="B")

    assert len(mailoutbox) == 2


def test_feedback_needs_words(assignment, participant):
    submission = SubmissionFactory(assignment=assignment, person=participant)

    with pytest.raises(services.LearningError):
        services.give_feedback(
            submission, actor=PersonFactory(), verdict="revise", text=" "
        )


# Attendance and check-in ---------------------------------------------------------


@pytest.fixture
def session_now():
    now = timezone.now()
    return SessionFactory(
        starts_at=now + dt.timedelta(minutes=20), ends_at=now + dt.timedelta(hours=3)
    )


def test_a_teacher_marks_absence_with_a_reason(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person

    attendance = services.mark_attendance(
        session_now,
        person,
        actor=PersonFactory(),
        status="absent",
        absence_reason="illness",
    )

    assert attendance.absence_reason == "illness"


def test_a_present_participant_has_no_absence_reason(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person

    attendance = services.mark_attendance(
        session_now,
        person,
        actor=PersonFactory(),
        status="present",
        absence_reason="illness",
    )

    assert attendance.absence_reason == ""


def test_clearing_attendance_records_who_cleared_it_in_the_trail(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person
    teacher = PersonFactory()
    attendance = services.mark_attendance(
        session_now, person, actor=teacher, status="present"
    )

    services.clear_attendance(session_now, person, actor=teacher)

    deleted = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Attendance),
        object_pk=str(attendance.pk),
        action=LogEntry.Action.DELETE,
    )
    assert not Attendance.objects.exists()
    assert deleted.actor == teacher


def test_attendance_is_only_for_confirmed_participants(session_now):
    with pytest.raises(services.LearningError):
        services.mark_attendance(
            session_now, PersonFactory(), actor=PersonFactory(), status="present"
        )


def test_check_in_with_the_right_code_marks_present(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person
    code = services.ensure_session_code(session_now).code

    attendance = services.check_in(session_now, person, f" {code.lower()} ")

    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.method == Attendance.Method.CHECK_IN


def test_check_in_with_a_wrong_code_is_refused(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person
    services.ensure_session_code(session_now)

    with pytest.raises(services.LearningError):
        services.check_in(session_now, person, "WRONG1")

    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "offset",
    [dt.timedelta(minutes=-31), dt.timedelta(hours=3, minutes=1)],
    ids=["too-early", "after-the-end"],
)
def test_check_in_works_only_during_the_session_window(offset):
    start = timezone.now() + dt.timedelta(days=2)
    session = SessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    person = RegistrationFactory(cohort=session.cohort).person
    code = services.ensure_session_code(session).code

    with pytest.raises(services.LearningError):
        services.check_in(session, person, code, now=start + offset)


def test_check_in_opens_30_minutes_before_the_start():
    start = timezone.now() + dt.timedelta(days=2)
    session = SessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    person = RegistrationFactory(cohort=session.cohort).person
    code = services.ensure_session_code(session).code

    services.check_in(session, person, code, now=start - dt.timedelta(minutes=30))

    assert Attendance.objects.filter(person=person, status="present").exists()


def test_only_confirmed_participants_check_in(session_now):
    waiting = RegistrationFactory(cohort=session_now.cohort, status="waitlisted")
    code = services.ensure_session_code(session_now).code

    with pytest.raises(services.LearningError):
        services.check_in(session_now, waiting.person, code)


def test_the_session_code_stays_the_same(session_now):
    first = services.ensure_session_code(session_now)

    assert services.ensure_session_code(session_now).code == first.code
    assert len(first.code) == 6


# Certificates and alumni ---------------------------------------------------------


@pytest.fixture
def finished():
    """A cohort that ended yesterday, with two sessions and one assignment;
    Alva attended both and had the assignment approved, Bo missed one."""
    today = timezone.localdate()
    first = SessionFactory(
        cohort__starts_on=today - dt.timedelta(days=30),
        cohort__ends_on=today - dt.timedelta(days=1),
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=3),
    )
    cohort = first.cohort
    second = SessionFactory(
        cohort=cohort,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=4),
    )
    CompletionRuleFactory(programme=cohort.programme, min_sessions=2)
    assignment = AssignmentFactory(session=first)
    alva = RegistrationFactory(cohort=cohort, person__first_name="Alva").person
    bo = RegistrationFactory(cohort=cohort, person__first_name="Bo").person
    teacher = PersonFactory()
    for person in (alva, bo):
        services.mark_attendance(first, person, actor=teacher, status="present")
        SubmissionFactory(assignment=assignment, person=person, status="approved")
    services.mark_attendance(second, alva, actor=teacher, status="present")
    services.mark_attendance(
        second, bo, actor=teacher, status="absent", absence_reason="work"
    )
    return cohort, alva, bo


def test_certificates_go_to_those_who_completed(
    finished, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, alva, bo = finished

    with django_capture_on_commit_callbacks(execute=True):
        issued = services.issue_certificates(cohort, actor=PersonFactory())

    assert [c.person for c in issued] == [alva]
    certificate = issued[0]
    assert certificate.hours == 7
    assert certificate.participant_name == alva.get_full_name()
    assert AlumniMembership.objects.filter(
        programme=cohort.programme, person=alva
    ).exists()
    assert not AlumniMembership.objects.filter(person=bo).exists()
    assert [m.to for m in mailoutbox] == [[alva.email]]
    assert certificate.code in mailoutbox[0].body


def test_issuing_certificates_twice_issues_nothing_new(
    finished, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, _alva, _bo = finished
    organiser = PersonFactory()
    services.issue_certificates(cohort, actor=organiser)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.issue_certificates(cohort, actor=organiser)

    assert again == []
    assert Certificate.objects.count() == 1
    assert AlumniMembership.objects.count() == 1


def test_a_certificate_is_found_by_its_code_however_it_is_typed(finished):
    cohort, _alva, _bo = finished
    certificate = services.issue_certificates(cohort, actor=PersonFactory())[0]
    typed = certificate.code.replace("-", " ").lower()

    assert selectors.certificate_by_code(typed) == certificate
    assert selectors.certificate_by_code("AAAA-BBBB-CCCC") is None
    assert selectors.certificate_by_code("") is None


# Reminders -----------------------------------------------------------------------


def test_reminders_go_once_to_those_who_have_not_handed_in(
    mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    soon = AssignmentFactory(due_at=now + dt.timedelta(hours=30))
    later = AssignmentFactory(
        session__cohort=soon.cohort, due_at=now + dt.timedelta(days=5)
    )
    waiting = RegistrationFactory(cohort=soon.cohort).person
    done = RegistrationFactory(cohort=soon.cohort).person
    RegistrationFactory(cohort=soon.cohort, status="waitlisted")
    SubmissionFactory(assignment=soon, person=done)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_assignment_reminders(now)
        services.send_assignment_reminders(now + dt.timedelta(hours=1))

    assert [m.to for m in mailoutbox] == [[waiting.email]]
    assert soon.title in mailoutbox[0].subject
    assert later.title not in mailoutbox[0].body


def test_check_in_stops_after_ten_wrong_codes(session_now):
    person = RegistrationFactory(cohort=session_now.cohort).person
    code = services.ensure_session_code(session_now).code
    for _attempt in range(10):
        with pytest.raises(services.LearningError):
            services.check_in(session_now, person, "WRONG1")

    with pytest.raises(services.LearningError):
        services.check_in(session_now, person, code)

    assert not Attendance.objects.exists()
