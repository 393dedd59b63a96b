"""Organiser pages for programmes, cohorts and sessions.

Every view finds its object through the selectors' organiser gate
(programmes_for_organiser, programme_for_organiser, cohort_for_organiser), so a
person who does not organise the programme gets 404.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tillit.core import formatting, timezones
from tillit.registrations import selectors as registration_selectors
from tillit.registrations.models import ExceptionRequest
from tillit.registrations.services import RegistrationError, TryAgain

from .. import selectors, self_service, services, trail
from ..forms import (
    ApprovalForm,
    CohortForm,
    ExceptionDecisionForm,
    SessionForm,
    TrailFilterForm,
)
from ..forms_self_service import session_formset
from ..models import Cohort, Session


@dataclass(frozen=True)
class CohortRow:
    """A cohort with what the organiser tables show about it."""

    cohort: Cohort
    availability: registration_selectors.Availability
    window: str


def registration_window(cohort, now):
    """The registration window in words: not yet open, open, or closed."""
    if cohort.registration_has_not_opened(now):
        return _("Opens %(when)s") % {"when": _when(cohort.registration_opens_at)}
    if cohort.registration_is_open(now):
        return _("Open until %(when)s") % {"when": _when(cohort.registration_closes_at)}
    return _("Closed")


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def cohort_rows(cohorts):
    """Rows for cohorts annotated by registration_selectors.with_availability."""
    now = timezone.now()
    return [
        CohortRow(
            cohort,
            registration_selectors.availability_of(cohort),
            registration_window(cohort, now),
        )
        for cohort in cohorts
    ]


@login_required
def organiser_home(request):
    if not selectors.is_organiser(request.user):
        raise Http404
    cohorts = registration_selectors.with_availability(
        Cohort.objects.order_by("starts_on", "pk")
    )
    programmes = (
        selectors.programmes_for_organiser(request.user)
        .programmes()
        .select_related("organiser")
        .annotate(
            pending_exceptions=Count(
                "exception_requests",
                filter=Q(exception_requests__status=ExceptionRequest.Status.PENDING),
            )
        )
        .prefetch_related(Prefetch("cohorts", queryset=cohorts))
        .order_by("title")
    )
    rows = [
        (programme, cohort_rows(programme.cohorts.all())) for programme in programmes
    ]
    return render(request, "programmes/organiser/home.html", {"programmes": rows})


@login_required
def organiser_programme(request, pk):
    programme = selectors.programme_for_organiser(request.user, pk)
    cohorts = registration_selectors.with_availability(programme.cohorts.all())
    pending = programme.exception_requests.filter(
        status=ExceptionRequest.Status.PENDING
    ).select_related("person__organisation", "person__unit")
    requests = [
        (request_, ExceptionDecisionForm(prefix=f"exception-{request_.pk}"))
        for request_ in pending
    ]
    context = {
        "programme": programme,
        "cohorts": cohort_rows(cohorts),
        "exception_requests": requests,
    }
    return render(request, "programmes/organiser/programme_detail.html", context)


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
        return redirect("programmes:organiser-programme", pk=programme.pk)
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
    except TryAgain as error:
        form.add_error(None, str(error))
    except RegistrationError as error:
        form.add_error("capacity", str(error))
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


@login_required
def cohort_edit(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    timezones.activate_for(cohort.programme.organiser)
    # The form and the service work on a copy, so the page keeps showing the
    # stored name when the change is refused.
    form = CohortForm(
        request.POST or None, instance=copy.copy(cohort), programme=cohort.programme
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_with_service(
            form,
            lambda: services.update_cohort(
                form.instance, actor=request.user, **form.service_fields()
            ),
        )
        if saved:
            messages.success(request, _("The cohort was saved."))
            return redirect("registrations:organiser-cohort", pk=cohort.pk)
    context = {"programme": cohort.programme, "form": form, "cohort": cohort}
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


@require_GET
@login_required
def programme_trail(request, pk):
    """Ändringslogg: who changed what in the programme, when, before and after."""
    programme = selectors.programme_for_organiser(request.user, pk)
    form = TrailFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cohort = filters.get("cohort")
    page = trail.programme_trail(
        programme,
        seat_events=registration_selectors.programme_seat_events(
            programme, cohort=cohort
        ),
        cohort=cohort,
        since=filters.get("since"),
        until=filters.get("until"),
        page_number=request.GET.get("page"),
    )
    context = {"programme": programme, "form": form, "page": page}
    return render(request, "programmes/organiser/programme_trail.html", context)


urlpatterns = [
    path("organiser/", organiser_home, name="organiser-home"),
    path(
        "organiser/programmes/<int:pk>/",
        organiser_programme,
        name="organiser-programme",
    ),
    path(
        "organiser/programmes/<int:pk>/approval/",
        programme_approval,
        name="organiser-programme-approval",
    ),
    path(
        "organiser/programmes/<int:pk>/trail/",
        programme_trail,
        name="organiser-trail",
    ),
    path(
        "organiser/programmes/<int:pk>/cohorts/new/",
        cohort_create,
        name="organiser-cohort-create",
    ),
    path("organiser/cohorts/<int:pk>/edit/", cohort_edit, name="organiser-cohort-edit"),
    path(
        "organiser/cohorts/<int:pk>/sessions/new/",
        session_create,
        name="organiser-session-create",
    ),
    path(
        "organiser/sessions/<int:pk>/edit/", session_edit, name="organiser-session-edit"
    ),
]
