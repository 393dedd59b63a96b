"""Downloads of uploaded files and certificates. Files are never served from
MEDIA_URL; these views check who may fetch them (others get 404) and send them
as attachments a browser will not run. Anonymous visitors get 404 too, so a
file's address reveals nothing."""

from django.http import FileResponse, HttpResponse
from django.urls import path
from django.utils.text import slugify

from .. import pdf, selectors, uploads


def attachment(stored):
    """A stored upload (learning's, a network's or an event's) as a download the
    browser will not run. The caller has already checked who may fetch it."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=uploads.download_name(stored),
        content_type=uploads.SAFE_CONTENT_TYPES.get(
            stored.file_type, "application/octet-stream"
        ),
    )
    return _harden(response)


def _harden(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def submission_file(request, pk):
    return attachment(selectors.submission_file_for(request.user, pk))


def preparation_file(request, pk):
    return attachment(selectors.preparation_file_for(request.user, pk))


def certificate_download(request, pk):
    certificate = selectors.certificate_for(request.user, pk)
    body = pdf.certificate_pdf(certificate, language=request.LANGUAGE_CODE)
    name = slugify(f"{certificate.programme_title} {certificate.participant_name}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name or "intyg"}.pdf"'
    return _harden(response)


urlpatterns = [
    path(
        "learning/files/submissions/<int:pk>/",
        submission_file,
        name="submission-file",
    ),
    path(
        "learning/files/preparation/<int:pk>/",
        preparation_file,
        name="preparation-file",
    ),
    path(
        "learning/certificates/<int:pk>/pdf/",
        certificate_download,
        name="certificate-pdf",
    ),
]
