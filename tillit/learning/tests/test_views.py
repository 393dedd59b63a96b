import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import (
    PDF_BYTES,
    OrganiserFactory,
    PersonFactory,
    pdf_upload,
    upload,
)
from tillit.learning import services
from tillit.learning.models import Attendance, Milestone, Submission
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations.tests.factories import RegistrationFactory

from .factories import (
    AssignmentFactory,
    AttendanceFactory,
    CompletionRuleFactory,
    HomeAssignmentFactory,
    PreparationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A session with an assignment, a participant who handed in a PDF, a
    programme teacher, a session teacher, an organiser; and outsiders."""
    session = SessionFactory()
    cohort = session.cohort
    assignment = AssignmentFactory(session=session)
    owner = RegistrationFactory(cohort=cohort).person
    submission = services.submit(assignment, owner, text="Svar", files=[pdf_upload()])
    programme_teacher, session_teacher = PersonFactory(), PersonFactory()
    cohort.programme.teachers.add(programme_teacher)
    session.teachers.add(session_teacher)
    organiser = OrganiserFactory(organiser_of=cohort.programme.organiser)
    other_participant = RegistrationFactory(cohort=cohort).person
    other_organiser = OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    return {
        "session": session,
        "assignment": assignment,
        "submission": submission,
        "file": submission.files.get(),
        "owner": owner,
        "programme teacher": programme_teacher,
        "session teacher": session_teacher,
        "organiser": organiser,
        "other participant": other_participant,
        "other organiser": other_organiser,
    }


@pytest.mark.parametrize(
    "who", ["owner", "programme teacher", "session teacher", "organiser"]
)
def test_a_submitted_file_is_downloaded_by_those_allowed(client, world, who):
    client.force_login(world[who])

    response = client.get(world["file"].get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="svar.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other participant", "other organiser", None])
def test_a_submitted_file_is_hidden_from_everyone_else(client, world, who):
    if who:
        client.force_login(world[who])

    response = client.get(world["file"].get_absolute_url())

    assert response.status_code == 404


def test_a_download_is_named_for_what_its_content_is(client, world):
    submission = world["submission"]
    services.submit(
        world["assignment"],
        world["owner"],
        text="Svar",
        files=[upload("page.html", PDF_BYTES)],
    )
    stored = submission.files.get(original_name="page.html")
    client.force_login(world["owner"])

    response = client.get(stored.get_absolute_url())

    assert 'filename="page.pdf"' in response["Content-Disposition"]


def test_preparation_files_are_for_the_cohort_only(client, world):
    services.add_preparation_file(
        world["session"], actor=world["organiser"], upload=pdf_upload("läs.pdf")
    )
    stored = world["session"].preparation.files.get()
    client.force_login(world["other participant"])
    assert client.get(stored.get_absolute_url()).status_code == 200

    client.force_login(world["other organiser"])
    assert client.get(stored.get_absolute_url()).status_code == 404


def test_a_participant_hands_in_through_the_page(client, world):
    assignment = world["assignment"]
    person = world["other participant"]
    client.force_login(person)

    response = client.post(
        assignment.get_absolute_url(),
        {"text": "Min reflektion", "files": [pdf_upload("reflektion.pdf")]},
    )

    assert response.status_code == 302
    submission = Submission.objects.get(assignment=assignment, person=person)
    assert submission.files.get().original_name == "reflektion.pdf"


def test_a_wrong_file_gets_a_message_beside_the_field(client, world):
    client.force_login(world["other participant"])

    response = client.post(
        world["assignment"].get_absolute_url(),
        {"text": "Svar", "files": [upload("svar.pdf", b"MZ\x90\x00 not a pdf")]},
    )

    assert response.status_code == 200
    assert 'id="id_files_error"' in response.text
    assert "Its content was checked" in response.text
    assert not Submission.objects.filter(person=world["other participant"]).exists()


def test_an_assignment_page_is_404_for_someone_outside_the_cohort(client, world):
    client.force_login(world["other organiser"])

    response = client.get(world["assignment"].get_absolute_url())

    assert response.status_code == 404


def test_a_teacher_gives_feedback_through_the_page(client, world, mailoutbox):
    client.force_login(world["session teacher"])
    url = reverse("learning:submission-review", args=[world["submission"].pk])

    response = client.post(url, {"verdict": "revise", "text": "Lägg till ett exempel."})

    assert response.status_code == 302
    world["submission"].refresh_from_db()
    assert world["submission"].status == "revise"
    page = client.get(world["assignment"].get_absolute_url())
    assert page.status_code == 404  # teachers review; the participant page is theirs
    client.force_login(world["owner"])
    page = client.get(world["assignment"].get_absolute_url())
    assert "Lägg till ett exempel." in page.text
    assert "To revise" in page.text


@pytest.mark.parametrize("who", ["other participant", "other organiser"])
def test_review_pages_are_404_for_others(client, world, who):
    client.force_login(world[who])

    for url in [
        reverse("learning:submission-review", args=[world["submission"].pk]),
        reverse("learning:assignment-review", args=[world["assignment"].pk]),
        reverse("learning:attendance", args=[world["session"].pk]),
        reverse("learning:teaching-cohort", args=[world["session"].cohort_id]),
        reverse("learning:completion", args=[world["session"].cohort_id]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_attendance_page_shows_the_code_and_saves_reasons(client, world):
    session = world["session"]
    owner = world["owner"]
    client.force_login(world["session teacher"])

    page = client.get(reverse("learning:attendance", args=[session.pk]))
    response = client.post(
        reverse("learning:attendance", args=[session.pk]),
        {
            f"p{owner.pk}-status": "absent",
            f"p{owner.pk}-absence_reason": "illness",
            f"p{world['other participant'].pk}-status": "present",
        },
    )

    assert session.check_in_code.code in page.text
    assert response.status_code == 302
    assert Attendance.objects.get(person=owner).absence_reason == "illness"
    assert Attendance.objects.filter(status="present").count() == 1


def test_a_wrong_check_in_code_is_shown_beside_the_field(client):
    now = timezone.now()
    session = SessionFactory(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)
    )
    services.ensure_session_code(session)
    person = RegistrationFactory(cohort=session.cohort).person
    client.force_login(person)

    response = client.post(
        reverse("learning:session", args=[session.pk]), {"code": "XXXXXX"}
    )

    assert response.status_code == 200
    assert 'id="id_code_error"' in response.text
    assert 'aria-describedby="id_code_helptext id_code_error"' in response.text
    assert not Attendance.objects.exists()


def test_check_in_through_the_session_page(client):
    now = timezone.now()
    session = SessionFactory(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)
    )
    code = services.ensure_session_code(session).code
    person = RegistrationFactory(cohort=session.cohort).person
    client.force_login(person)

    response = client.post(
        reverse("learning:session", args=[session.pk]), {"code": code}
    )

    assert response.status_code == 302
    assert Attendance.objects.get(person=person).method == "check_in"


def test_the_home_shows_next_session_preparation_and_deadlines(client, world):
    PreparationFactory(session=world["session"], text="Läs kapitel 3 i boken.")
    client.force_login(world["owner"])

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert world["session"].title in response.text
    assert "Läs kapitel 3" in response.text
    assert world["assignment"].title in response.text
    assert "Submitted, awaiting feedback" in response.text


def test_the_session_page_shows_preparation_to_participants(client, world):
    PreparationFactory(session=world["session"], text="Läs kapitel 3 i boken.")
    client.force_login(world["other participant"])

    response = client.get(reverse("learning:session", args=[world["session"].pk]))

    assert "Läs kapitel 3" in response.text
    assert 'href="https://example.org/rapport"' in response.text


def test_the_teaching_page_lists_taught_cohorts(client, world):
    client.force_login(world["session teacher"])

    response = client.get(reverse("learning:teaching"))

    assert world["session"].cohort.name in response.text


def test_a_teacher_creates_a_home_assignment_with_a_milestone(client, world):
    cohort = world["session"].cohort
    client.force_login(world["programme teacher"])

    response = client.post(
        reverse("learning:assignment-create", args=[cohort.pk]),
        {
            "kind": "home",
            "title": "Hemuppgift",
            "instructions": "Gör en plan.",
            "due_at": "2030-05-01T12:00",
            "allowed_types": ["pdf", "docx"],
            "max_size_mb": "10",
            "save": "1",
        },
    )
    assignment = cohort.assignments.get(title="Hemuppgift")
    client.post(
        reverse("learning:assignment-edit", args=[assignment.pk]),
        {
            "milestone-title": "Utkast",
            "milestone-due_at": "2030-04-01T12:00",
            "milestone": "1",
        },
    )

    assert response.status_code == 302
    assert assignment.allowed_types == ["pdf", "docx"]
    assert assignment.milestones.get().title == "Utkast"


def test_a_pre_session_assignment_without_session_is_refused(client, world):
    cohort = world["session"].cohort
    client.force_login(world["organiser"])

    response = client.post(
        reverse("learning:assignment-create", args=[cohort.pk]),
        {
            "kind": "pre_session",
            "title": "Utan tillfälle",
            "due_at": "2030-05-01T12:00",
            "allowed_types": ["pdf"],
            "max_size_mb": "10",
        },
    )

    assert response.status_code == 200
    assert not cohort.assignments.filter(title="Utan tillfälle").exists()


def test_organisers_edit_the_completion_rule_teachers_cannot(client, world):
    programme = world["session"].cohort.programme
    url = reverse("learning:completion-rule", args=[programme.pk])
    client.force_login(world["programme teacher"])
    assert client.get(url).status_code == 404

    client.force_login(world["organiser"])
    response = client.post(url, {"min_sessions": "5", "all_assignments": "on"})

    assert response.status_code == 302
    assert programme.completion_rule.min_sessions == 5


def test_the_completion_rule_needs_a_number_or_a_share(client, world):
    programme = world["session"].cohort.programme
    client.force_login(world["organiser"])

    response = client.post(reverse("learning:completion-rule", args=[programme.pk]), {})

    assert 'id="id_min_sessions_error"' in response.text


@pytest.fixture
def completed(world):
    session = world["session"]
    CompletionRuleFactory(programme=session.cohort.programme, min_sessions=1)
    AttendanceFactory(session=session, person=world["owner"])
    world["submission"].status = "approved"
    world["submission"].save()
    return world


def test_organisers_issue_certificates_after_the_confirmation_page(client, completed):
    cohort = completed["session"].cohort
    url = reverse("learning:certificates-issue", args=[cohort.pk])
    client.force_login(completed["programme teacher"])
    assert client.post(url, {"confirmed": "yes"}).status_code == 404

    client.force_login(completed["organiser"])
    asked = client.post(url)
    before = completed["owner"].certificates.count()
    client.post(url, {"confirmed": "yes"})
    client.post(url, {"confirmed": "yes"})

    assert "1 participant who has completed gets a certificate" in asked.text
    assert before == 0
    assert completed["owner"].certificates.count() == 1


def test_the_certificate_pdf_is_for_its_holder_and_organisers(client, completed):
    cohort = completed["session"].cohort
    certificate = services.issue_certificates(cohort, actor=completed["organiser"])[0]
    url = reverse("learning:certificate-pdf", args=[certificate.pk])

    for who, status in [
        ("owner", 200),
        ("organiser", 200),
        ("other participant", 404),
        ("other organiser", 404),
    ]:
        client.force_login(completed[who])
        response = client.get(url)
        assert response.status_code == status, who
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(completed["owner"])
    response = client.get(url)
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_verification_page_shows_who_what_and_when(client, completed):
    cohort = completed["session"].cohort
    certificate = services.issue_certificates(cohort, actor=completed["organiser"])[0]

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 200
    assert completed["owner"].get_full_name() in response.text
    assert cohort.programme.title in response.text


def test_the_verification_form_leads_to_the_page(client):
    response = client.get(reverse("learning:certificate-lookup"), {"code": "ab cd"})

    assert response.status_code == 302
    assert response.url == reverse("learning:certificate-verify", args=["ABCD"])


def test_an_unknown_code_says_no_such_certificate(client):
    response = client.get(reverse("learning:certificate-verify", args=["NOPE-NOPE"]))

    assert response.status_code == 404
    assert "No such certificate" in response.text


def test_removing_a_submitted_file_asks_first(client, world):
    client.force_login(world["owner"])
    url = reverse("learning:submission-file-delete", args=[world["file"].pk])

    asked = client.post(url)
    kept = world["submission"].files.exists()
    client.post(url, {"confirmed": "yes"})

    assert 'id="confirm-button"' in asked.text
    assert kept
    assert not world["submission"].files.exists()


def test_removing_a_milestone_asks_first_with_the_participant_count(client, world):
    assignment = HomeAssignmentFactory(cohort=world["session"].cohort)
    milestone = Milestone.objects.create(
        assignment=assignment,
        title="Nulägesanalys",
        due_at=assignment.due_at,
    )
    client.force_login(world["organiser"])
    url = reverse("learning:milestone-delete", args=[milestone.pk])

    asked = client.get(url)
    kept = Milestone.objects.filter(pk=milestone.pk).exists()
    client.post(url, {"confirmed": "yes"})

    assert "2 participants." in asked.text
    assert kept
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
