"""Downloads of uploaded files and certificates. Files are never served from
MEDIA_URL: the access selectors (selectors.*_for) say who may fetch them
(others, anonymous visitors too, get 404), and core.downloads sends them as
attachments a browser will not run."""

from django.http import HttpResponse
from django.urls import path
from django.utils.text import slugify

from tillit.core import downloads

from .. import pdf, selectors

submission_file = downloads.stored_file_view(selectors.submission_file_for)
preparation_file = downloads.stored_file_view(selectors.preparation_file_for)


def certificate_download(request, pk):
    certificate = selectors.certificate_for(request.user, pk)
    body = pdf.certificate_pdf(certificate, language=request.LANGUAGE_CODE)
    name = slugify(f"{certificate.programme_title} {certificate.participant_name}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name or "intyg"}.pdf"'
    return downloads.harden(response)


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
