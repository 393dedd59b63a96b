import datetime as dt
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
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


# Files ----------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01"
    b"\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office_bytes(main_part="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="svar.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")
