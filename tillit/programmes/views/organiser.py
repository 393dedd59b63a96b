"""Organiser pages for programmes, cohorts and sessions that leave the seats
alone: the approval setting, a new cohort, its sessions. The pages that show or
change seats (the organiser's home, a programme's page and trail, the cohort
edit with its capacity) are tillit.registrations.views.organiser_programmes.

Every view finds its object through the selectors' organiser gate
(programmes_for_organiser, programme_for_organiser, cohort_for_organiser), so a
person who does not organise the programme gets 404.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tillit.core import formatting, timezones

from .. import selectors, self_service, services
from ..forms import ApprovalForm, CohortForm, SessionForm
from ..forms_self_service import session_formset
from ..models import Session


@login_required
def programme_approval(request, pk):
    """The organiser's setting: who approves a seat before it is confirmed."""
    programme = selectors.programme_for_organiser(request.user, pk)
    form = ApprovalForm(
        request.POST if request.method == "POST" else None,
        initial={"approval": programme.approval},
    )
    if request.method == "POST" and form.is_valid():
        services.set_approval(
            programme, actor=request.user, approval=form.cleaned_data["approval"]
        )
        messages.success(request, _("The approval setting was saved."))
        return redirect("registrations:organiser-programme", pk=programme.pk)
    context = {"programme": programme, "form": form}
    return render(request, "programmes/organiser/approval_form.html", context)


def _save_with_service(form, save):
    """Run a service with the form's data; put its errors on the form.

    Returns what the service returned, or None when the form got errors.
    """
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)
    return None


@login_required
def cohort_create(request, pk):
    programme = selectors.programme_for_organiser(request.user, pk)
    timezones.activate_for(programme.organiser)
    form = CohortForm(request.POST or None, programme=programme)
    sessions = session_formset(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid() and sessions.is_valid_or_absent():
        cohort = _save_with_service(
            form,
            lambda: self_service.create_cohort_with_sessions(
                programme,
                actor=request.user,
                sessions=sessions.filled(),
                **form.service_fields(),
            ),
        )
        if cohort:
            messages.success(request, _("The cohort was created."))
            return redirect("registrations:organiser-cohort", pk=cohort.pk)
    context = {
        "programme": programme,
        "form": form,
        "cohort": None,
        "sessions": sessions,
    }
    return render(request, "programmes/organiser/cohort_form.html", context)


def _warn_of_holiday(request, session):
    holiday = formatting.holiday_name(
        session.starts_at, session.cohort.programme.organiser
    )
    if holiday:
        messages.warning(
            request,
            _("The session falls on a public holiday: %(name)s.") % {"name": holiday},
        )


@login_required
def session_create(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    timezones.activate_for(cohort.programme.organiser)
    form = SessionForm(request.POST or None, programme=cohort.programme)
    if request.method == "POST" and form.is_valid():
        fields, teachers = form.service_fields()
        session = _save_with_service(
            form,
            lambda: services.add_session(
                cohort, actor=request.user, teachers=teachers, **fields
            ),
        )
        if session:
            messages.success(request, _("The session was added."))
            _warn_of_holiday(request, session)
            return redirect("registrations:organiser-cohort", pk=cohort.pk)
    context = {"cohort": cohort, "form": form, "session": None}
    return render(request, "programmes/organiser/session_form.html", context)


@login_required
def session_edit(request, pk):
    session = get_object_or_404(Session, pk=pk)
    cohort = selectors.cohort_for_organiser(request.user, session.cohort_id)
    timezones.activate_for(cohort.programme.organiser)
    form = SessionForm(
        request.POST or None, instance=copy.copy(session), programme=cohort.programme
    )
    if request.method == "POST" and form.is_valid():
        fields, teachers = form.service_fields()
        saved = _save_with_service(
            form,
            lambda: services.update_session(
                form.instance, actor=request.user, teachers=teachers, **fields
            ),
        )
        if saved:
            messages.success(request, _("The session was saved."))
            _warn_of_holiday(request, form.instance)
            return redirect("registrations:organiser-cohort", pk=cohort.pk)
    context = {"cohort": cohort, "form": form, "session": session}
    return render(request, "programmes/organiser/session_form.html", context)


urlpatterns = [
    path(
        "organiser/programmes/<int:pk>/approval/",
        programme_approval,
        name="organiser-programme-approval",
    ),
    path(
        "organiser/programmes/<int:pk>/cohorts/new/",
        cohort_create,
        name="organiser-cohort-create",
    ),
    path(
        "organiser/cohorts/<int:pk>/sessions/new/",
        session_create,
        name="organiser-session-create",
    ),
    path(
        "organiser/sessions/<int:pk>/edit/", session_edit, name="organiser-session-edit"
    ),
]
