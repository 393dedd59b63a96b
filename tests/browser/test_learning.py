"""The learning flow in Chromium: a participant opens their home and the
session's preparation and hands in an assignment with a file; a teacher asks for
a revision and then approves; the participant sees the feedback each time. And
axe-core on the home, assignment, review, attendance and verification pages.

The pages speak Swedish; locators use ids, names and addresses, so the tests do
not depend on how a phrase is translated.
"""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tillit.core.tests.factories import PDF_BYTES, OrganisationFactory, PersonFactory
from tillit.learning import services
from tillit.learning.models import Submission
from tillit.learning.tests.factories import (
    AssignmentFactory,
    CompletionRuleFactory,
    PreparationFactory,
)
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def swedish_person(**fields):
    return PersonFactory(preferred_language="sv", **fields)


@pytest.fixture(autouse=True)
def _learning_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [],
        }
    }


@pytest.fixture
def course(transactional_db):
    """ESV's programme with a session in three days, its preparation and a
    pre-session assignment; a participant and the session's teacher."""
    esv = OrganisationFactory(name="Ekonomistyrningsverket", kind="agency")
    programme = ProgrammeFactory(
        organiser=esv, title="Programutbildning i strategisk verksamhetsstyrning"
    )
    cohort = CohortFactory(programme=programme, name="Hösten")
    start = timezone.now() + dt.timedelta(days=3)
    session = SessionFactory(
        cohort=cohort,
        title="Sammankomst 1: Styrningen i staten",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        link="https://meet.example.org/esv-1",
    )
    PreparationFactory(session=session, text="Läs vägledningen om verksamhetsstyrning.")
    assignment = AssignmentFactory(
        session=session,
        title="Beskriv dina styrsignaler",
        allowed_types=["pdf", "docx"],
    )
    participant = swedish_person(first_name="Åsa", last_name="Lindqvist")
    RegistrationFactory(cohort=cohort, person=participant)
    teacher = swedish_person(first_name="Ingrid", last_name="Falk")
    session.teachers.add(teacher)
    return {
        "session": session,
        "assignment": assignment,
        "participant": participant,
        "teacher": teacher,
    }


def give_feedback(page, submission, verdict, text):
    page.goto(reverse("learning:submission-review", args=[submission.pk]))
    page.locator(f"#feedback-form input[name=verdict][value={verdict}]").check()
    page.locator("#feedback-form textarea[name=text]").fill(text)
    page.locator("#feedback-form button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()


def test_participant_prepares_hands_in_and_reads_feedback(page, log_in_as, course):
    session, assignment = course["session"], course["assignment"]
    log_in_as(course["participant"])
    page.goto("/home/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.locator(f"a[href='/learning/sessions/{session.pk}/']").first.click()
    expect(page.locator("#preparation-text")).to_contain_text("vägledningen")
    page.locator(f"a[href='{assignment.get_absolute_url()}']").click()
    page.locator("#submission-form textarea[name=text]").fill("Mina styrsignaler.")
    page.locator("#submission-form input[name=files]").set_input_files(
        files=[
            {
                "name": "styrsignaler.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF_BYTES,
            }
        ]
    )
    page.locator("#submission-form button[type=submit]").click()

    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("a[href^='/learning/files/submissions/']")).to_have_text(
        "styrsignaler.pdf"
    )
    submission = Submission.objects.get(person=course["participant"])
    assert submission.files.get().file_type == "pdf"

    log_in_as(course["teacher"])
    give_feedback(page, submission, "revise", "Lägg till ett exempel från i våras.")

    log_in_as(course["participant"])
    page.goto(assignment.get_absolute_url())
    expect(page.locator(".feedback-history")).to_contain_text("exempel från i våras")
    page.locator("#submission-form textarea[name=text]").fill("Nu med ett exempel.")
    page.locator("#submission-form button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()

    log_in_as(course["teacher"])
    give_feedback(page, submission, "approved", "Bra, godkänt!")

    log_in_as(course["participant"])
    page.goto("/home/")
    expect(page.locator("#feedback-heading + ul")).to_contain_text("Bra, godkänt!")
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert submission.version == 2


def test_a_file_that_is_not_what_it_claims_is_refused_beside_the_field(
    page, log_in_as, course
):
    log_in_as(course["participant"])
    page.goto(course["assignment"].get_absolute_url())
    page.locator("#submission-form textarea[name=text]").fill("Svar")
    page.locator("#submission-form input[name=files]").set_input_files(
        files=[
            {
                "name": "svar.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<html><script>alert(1)</script></html>",
            }
        ]
    )

    page.locator("#submission-form button[type=submit]").click()

    expect(page.locator("#id_files_error")).to_be_visible()
    expect(page.locator("#id_files")).to_have_attribute(
        "aria-describedby", "id_files_helptext id_files_error"
    )
    assert not Submission.objects.exists()


def test_files_too_large_to_send_are_refused_beside_the_field_before_sending(
    page, log_in_as, course, settings
):
    settings.REQUEST_MAX_BYTES = 4000
    log_in_as(course["participant"])
    page.goto(course["assignment"].get_absolute_url())
    page.locator("#submission-form textarea[name=text]").fill("Svar")
    files = page.locator("#submission-form input[name=files]")
    big = PDF_BYTES + b"%" * 5000

    files.set_input_files(
        files=[{"name": "svar.pdf", "mimeType": "application/pdf", "buffer": big}]
    )

    error = page.locator("#id_files_size_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("högst")
    expect(files).to_have_attribute("aria-invalid", "true")
    assert "id_files_size_error" in files.get_attribute("aria-describedby")
    page.locator("#submission-form button[type=submit]").click()
    expect(files).to_be_focused()
    assert page.url.endswith(course["assignment"].get_absolute_url())
    assert not Submission.objects.exists()

    files.set_input_files(files=[])
    expect(error).to_have_count(0)


# axe-core ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe():
    return Axe()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} [{violation['impact']}] {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    at {target}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture
def pages(course):
    """Every page of the flow with something on it, and who sees it."""
    session, assignment = course["session"], course["assignment"]
    participant, teacher = course["participant"], course["teacher"]
    submission = services.submit(assignment, participant, text="Mitt svar.")
    services.give_feedback(
        submission, actor=teacher, verdict="revise", text="Utveckla resonemanget."
    )
    services.ensure_session_code(session)
    CompletionRuleFactory(
        programme=session.cohort.programme, min_sessions=1, all_assignments=False
    )
    services.mark_attendance(session, participant, actor=teacher, status="present")
    organiser = swedish_person()
    session.cohort.programme.organiser.staff.add(organiser)
    certificate = services.issue_certificates(session.cohort, actor=organiser)[0]
    return {
        "home": (participant, "/home/"),
        "session": (participant, reverse("learning:session", args=[session.pk])),
        "assignment": (participant, assignment.get_absolute_url()),
        "teaching": (teacher, reverse("learning:teaching")),
        "review": (
            teacher,
            reverse("learning:submission-review", args=[submission.pk]),
        ),
        "attendance": (teacher, reverse("learning:attendance", args=[session.pk])),
        "completion": (
            organiser,
            reverse("learning:completion", args=[session.cohort_id]),
        ),
        "verification": (None, certificate.get_absolute_url()),
        "verification, unknown code": (
            None,
            reverse("learning:certificate-verify", args=["ABCD-EFGH-JKLM"]),
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "session",
        "assignment",
        "teaching",
        "review",
        "attendance",
        "completion",
        "verification",
        "verification, unknown code",
    ],
)
def test_learning_page_has_no_serious_accessibility_violations(
    page, log_in_as, axe, pages, name
):
    person, url = pages[name]
    if person:
        log_in_as(person)
    page.goto(url)
    expect(page.locator("h1")).to_have_count(1)

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"
