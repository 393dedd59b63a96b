"""Organiser pages of a cohort that need its assignments as well as its
registrations: an e-mail to a group of its people (written, previewed with the
count and the names, then sent), and the printable participant list and
attendance sheet.

Every view finds its cohort through selectors.cohort_for_organiser, so anyone
who does not organise the programme gets 404.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tillit.core import downloads, security
from tillit.core.confirm import is_confirmed
from tillit.registrations import services as registration_services

from .. import selectors, services, sheets
from ..forms import CohortMessageForm


def _form_page(request, cohort, form):
    context = {"cohort": cohort, "programme": cohort.programme, "form": form}
    return render(request, "learning/organiser/message_form.html", context)


def _preview_page(request, cohort, form, recipients):
    data = form.cleaned_data
    assignment = data["assignment"]
    preview = None
    if recipients:
        preview = registration_services.preview_message(
            cohort,
            actor=request.user,
            recipient=recipients[0],
            audience=data["audience"],
            subject=data["subject"],
            body=data["body"],
            assignment_title=assignment.title if assignment else "",
        )
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "form": form,
        "recipients": recipients,
        "count": len(recipients),
        "audience_label": dict(form.fields["recipients"].choices)[data["recipients"]],
        "preview": preview,
    }
    return render(request, "learning/organiser/message_preview.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def cohort_message(request, pk):
    """Write (GET, or POST with `edit`), preview with the count (POST), send
    (POST with confirmed=yes, from the preview page's button)."""
    cohort = selectors.cohort_for_organiser(request.user, pk)
    if request.method == "GET":
        initial = {"key": uuid.uuid4().hex, "recipients": request.GET.get("to")}
        form = CohortMessageForm(initial=initial, cohort=cohort)
        return _form_page(request, cohort, form)
    form = CohortMessageForm(request.POST, cohort=cohort)
    if not form.is_valid():
        return _form_page(request, cohort, form)
    if "edit" in request.POST:
        return _form_page(request, cohort, form)
    data = form.cleaned_data
    recipients = list(
        selectors.message_recipients(cohort, data["audience"], data["assignment"])
    )
    if not is_confirmed(request):
        return _preview_page(request, cohort, form, recipients)
    try:
        message, created = services.message_cohort(
            cohort,
            actor=request.user,
            audience=data["audience"],
            assignment=data["assignment"],
            subject=data["subject"],
            body=data["body"],
            key=data["key"],
            expected=_count(request.POST.get("expected")),
        )
    except registration_services.MessageRefused as error:
        messages.error(request, str(error))
        return _preview_page(request, cohort, form, recipients)
    if created:
        messages.success(
            request,
            ngettext(
                "Your message was sent to %(count)s person.",
                "Your message was sent to %(count)s people.",
                message.recipients_count,
            )
            % {"count": message.recipients_count},
        )
    else:
        messages.info(request, _("This message had already been sent; not again."))
    url = reverse("registrations:organiser-cohort", args=[cohort.pk])
    return redirect(f"{url}#messages-heading")


def _count(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # no count seen: the preview is shown again


def _pdf(body, cohort, name):
    response = HttpResponse(body, content_type="application/pdf")
    filename = slugify(f"{name} {cohort.programme.title} {cohort.name}") or "tillit"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    security.mark_export(response, f"{name}: {cohort.name}")
    return downloads.harden(response)


@require_GET
@login_required
def participant_list(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    body = sheets.participant_list_pdf(cohort, language=request.LANGUAGE_CODE)
    return _pdf(body, cohort, pgettext("file name", "participant list"))


@require_GET
@login_required
def attendance_sheet(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    body = sheets.attendance_sheet_pdf(cohort, language=request.LANGUAGE_CODE)
    return _pdf(body, cohort, pgettext("file name", "attendance sheet"))


urlpatterns = [
    path(
        "organiser/cohorts/<int:pk>/message/",
        cohort_message,
        name="cohort-message",
    ),
    path(
        "organiser/cohorts/<int:pk>/participants.pdf",
        participant_list,
        name="cohort-participants-pdf",
    ),
    path(
        "organiser/cohorts/<int:pk>/attendance-sheet.pdf",
        attendance_sheet,
        name="cohort-attendance-pdf",
    ),
]
