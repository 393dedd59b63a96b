"""The organiser's programme pages that show or change seats: the home page
and a programme's page (each cohort with its seats), the programme's trail
(with the seat events), the cohort edit (a new capacity fills the waitlist
under the seat lock) and cancelling a cohort (which releases its seats).
Their templates are the programmes app's; the organiser's pages that leave
the seats alone are tillit.programmes.views.organiser and .self_service.

Every view finds its object through the organiser gate in
tillit.programmes.selectors, so a person who does not organise the programme
gets 404.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from tillit.core import timezones
from tillit.programmes import selectors as programme_selectors
from tillit.programmes import self_service as programme_self_service
from tillit.programmes.forms import CohortForm, ExceptionDecisionForm, TrailFilterForm
from tillit.programmes.models import Cohort
from tillit.programmes.trail import programme_trail as programme_trail_page

from .. import selectors, services
from ..models import ExceptionRequest
from ..services import RegistrationError, TryAgain, cancellation


@dataclass(frozen=True)
class CohortRow:
    """A cohort with what the organiser tables show about it."""

    cohort: Cohort
    availability: selectors.Availability
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
    """Rows for cohorts annotated by selectors.with_availability."""
    now = timezone.now()
    return [
        CohortRow(
            cohort,
            selectors.availability_of(cohort),
            registration_window(cohort, now),
        )
        for cohort in cohorts
    ]


@login_required
def organiser_home(request):
    if not programme_selectors.is_organiser(request.user):
        raise Http404
    cohorts = selectors.with_availability(Cohort.objects.order_by("starts_on", "pk"))
    programmes = (
        programme_selectors.programmes_for_organiser(request.user)
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
    programme = programme_selectors.programme_for_organiser(request.user, pk)
    cohorts = selectors.with_availability(programme.cohorts.all())
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
def cohort_edit(request, pk):
    cohort = programme_selectors.cohort_for_organiser(request.user, pk)
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


@require_GET
@login_required
def programme_trail(request, pk):
    """Ändringslogg: who changed what in the programme, when, before and after."""
    programme = programme_selectors.programme_for_organiser(request.user, pk)
    form = TrailFilterForm(request.GET or None, programme=programme)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cohort = filters.get("cohort")
    page = programme_trail_page(
        programme,
        seat_events=selectors.programme_seat_events(programme, cohort=cohort),
        cohort=cohort,
        since=filters.get("since"),
        until=filters.get("until"),
        page_number=request.GET.get("page"),
    )
    context = {"programme": programme, "form": form, "page": page}
    return render(request, "programmes/organiser/programme_trail.html", context)


def _errors_of(error):
    return error.messages if hasattr(error, "messages") else [str(error)]


@login_required
def cohort_cancel(request, pk):
    cohort = programme_selectors.cohort_for_organiser(request.user, pk)
    if request.method == "POST":
        try:
            impact = cancellation.cancel_cohort(cohort, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors_of(error)))
        else:
            messages.success(
                request,
                ngettext(
                    "The cohort was cancelled and %(count)d person was told.",
                    "The cohort was cancelled and %(count)d people were told.",
                    impact.people_told,
                )
                % {"count": impact.people_told},
            )
        return redirect("registrations:organiser-cohort", pk=cohort.pk)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "session": None,
        "impact": cancellation.cohort_cancellation_impact(cohort),
        "refusal": programme_self_service.cancellation_refusal(cohort),
        "sessions": cohort.sessions.filter(cancelled_at__isnull=True).count(),
    }
    return render(request, "programmes/organiser/cancel_confirm.html", context)


urlpatterns = [
    path("organiser/", organiser_home, name="organiser-home"),
    path(
        "organiser/programmes/<int:pk>/",
        organiser_programme,
        name="organiser-programme",
    ),
    path(
        "organiser/programmes/<int:pk>/trail/",
        programme_trail,
        name="organiser-trail",
    ),
    path("organiser/cohorts/<int:pk>/edit/", cohort_edit, name="organiser-cohort-edit"),
    path(
        "organiser/cohorts/<int:pk>/cancel/",
        cohort_cancel,
        name="organiser-cohort-cancel",
    ),
]
