"""Organiser pages for a cohort's registrations, the waitlist, exports and
exception requests.

Every view finds its cohort or programme through the organiser gate in
tillit.programmes.selectors, so a person who does not organise it gets 404.
Row actions answer HTMX with the page's `registrations` partial and plain
posts with a redirect, so every form works without JavaScript.
"""

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Subquery
from django.http import (
    FileResponse,
    Http404,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tillit.core.confirm import ask_first, is_confirmed
from tillit.core.models import Organisation
from tillit.programmes import selectors as programme_selectors
from tillit.programmes.forms import ExceptionDecisionForm, MoveForm

from .. import exports, selectors, services
from ..models import ExceptionRequest, Registration, RegistrationEvent

#: Changes listed under "Recent changes" (the newest first).
RECENT_EVENTS = 20


@dataclass(frozen=True)
class MoveTarget:
    """A cohort a registration may move to, with its seats in words (worded
    once per page, not once per row)."""

    cohort: object
    availability: selectors.Availability
    label: str


def _other_cohorts(cohort, organisation_id=None):
    """Cohorts of the programme a person of the organisation may be moved to:
    not ended, and not another organisation's internal cohort."""
    ids = [organisation_id] if organisation_id else []
    return (
        cohort.programme.cohorts.upcoming()
        .offered_to(ids)
        .exclude(pk=cohort.pk)
        .order_by("starts_on", "pk")
    )


def _with_move_targets(cohort, registrations):
    """Give each registration its `move_targets`: the cohorts it may move to,
    with availability; one query for the cohorts whatever the list's length."""
    cohorts = list(
        selectors.with_availability(
            cohort.programme.cohorts.upcoming()
            .exclude(pk=cohort.pk)
            .order_by("starts_on", "pk")
        ).annotate(internal_to=F("rollout_cohort__plan__organisation"))
    )
    targets = []
    for c in cohorts:
        seats = selectors.availability_of(c)
        label = _("Fully booked") if seats.is_full else seats.label
        targets.append(MoveTarget(c, seats, label))
    for registration in registrations:
        organisation_id = registration.person.organisation_id
        registration.move_targets = [
            t
            for t in targets
            if t.cohort.internal_to is None or t.cohort.internal_to == organisation_id
        ]


@dataclass
class OrganisationRow:
    """One organisation's places in a cohort, for the status at a glance."""

    organisation: object
    seats: int = 0
    waiting: int = 0
    reserved: int = 0


def _by_organisation(cohort, reservations, params):
    """A page of places per organisation, by name: the counts in one query for
    all organisations, the names of the page's in one more."""
    waiting = Q(status=Registration.Status.WAITLISTED)
    counts = (
        cohort.registrations.active()
        .filter(person__organisation__isnull=False)
        .values("person__organisation", "person__organisation__name")
        .annotate(
            seats=Count("pk", filter=~waiting), waiting=Count("pk", filter=waiting)
        )
        .order_by()
    )
    rows, names = {}, {}
    for c in counts:
        pk = c["person__organisation"]
        rows[pk] = OrganisationRow(None, c["seats"], c["waiting"])
        names[pk] = c["person__organisation__name"]
    for reservation in reservations:
        if reservation.released_at is None and reservation.unnamed_seats:
            pk = reservation.organisation_id
            row = rows.setdefault(pk, OrganisationRow(None))
            row.reserved += reservation.unnamed_seats
            names[pk] = reservation.organisation.name
    ordered = sorted(rows, key=lambda pk: (names[pk], pk))
    page = _page(ordered, params, "organisations_page")
    shown = Organisation.objects.in_bulk(list(page.object_list))
    page.object_list = [
        dataclasses.replace(rows[pk], organisation=shown[pk]) for pk in page.object_list
    ]
    return page


def _bookings(cohort):
    """Employer contacts' bookings with their active members, oldest first."""
    registrations = (
        selectors.registrations_for_cohort(cohort)
        .filter(booking__isnull=False)
        .select_related("booking__organisation", "booking__booked_by")
    )
    bookings = {}
    for registration in registrations:
        bookings.setdefault(registration.booking, []).append(registration)
    return sorted(bookings.items(), key=lambda item: (item[0].created_at, item[0].pk))


#: Rows of each list (confirmed, held or offered, waitlist, organisations) on
#: one page: the page of a cohort of 2,000 renders no more rows than the demo's.
REGISTRATIONS_PAGE_SIZE = 25


def _page(rows, params, name, count=None):
    """One page of `rows`; `count`, when the caller knows it, spares the query
    that would count them."""
    paginator = Paginator(rows, REGISTRATIONS_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not counted again
    return paginator.get_page(params.get(name))


def _cohort_context(cohort, params=None):
    """What the cohort page and its `registrations` partial show: the counts
    for the whole cohort, the lists a page at a time (query parameters `page`,
    `pending_page`, `waitlist_page` in `params`), so the number of queries and
    the page's size stay the same for 20 people or 2,000."""
    params = params or {}
    Status = Registration.Status
    registrations = selectors.registrations_for_cohort(cohort).select_related(
        "approver"
    )
    reservations = list(
        cohort.reservations.select_related("organisation", "booked_by").order_by(
            "created_at", "pk"
        )
    )
    seats = selectors.availability(cohort)
    confirmed = _page(
        registrations.filter(status=Status.CONFIRMED),
        params,
        "page",
        seats.confirmed,
    )
    pending = _page(
        registrations.filter(status__in=(Status.HELD, Status.OFFERED)).order_by(
            "expires_at", "pk"
        ),
        params,
        "pending_page",
        seats.held + seats.offered,
    )
    waitlist = _page(
        registrations.filter(status=Status.WAITLISTED).order_by("created_at", "pk"),
        params,
        "waitlist_page",
        seats.waitlisted,
    )
    waiting = list(waitlist.object_list)
    _with_move_targets(cohort, [*confirmed.object_list, *pending.object_list, *waiting])
    organisations = _by_organisation(cohort, reservations, params)
    # The newest few picked first, their people joined after: joining people
    # to every event of a cohort of 2,000 before the limit costs ten times more.
    newest = (
        RegistrationEvent.objects.filter(registration__cohort=cohort)
        .order_by("-at", "-pk")
        .values("pk")[:RECENT_EVENTS]
    )
    events = (
        RegistrationEvent.objects.filter(pk__in=Subquery(newest))
        .select_related("actor", "registration__person")
        .order_by("-at", "-pk")
    )
    return {
        "cohort": cohort,
        "programme": cohort.programme,
        "availability": seats,
        "confirmed": confirmed.object_list,
        "confirmed_page": confirmed,
        "pending": pending.object_list,
        "pending_page": pending,
        "waitlist": list(enumerate(waiting, start=waitlist.start_index())),
        "waitlist_page": waitlist,
        "reservations": reservations,
        "bookings": _bookings(cohort),
        "organisations": organisations.object_list,
        "organisations_page": organisations,
        "events": events,
    }


def _list_params(request):
    """The list pages the organiser was looking at: the query string of the
    page, also when HTMX posts a row action from it."""
    if request.htmx and request.htmx.current_url:
        return QueryDict(urlsplit(request.htmx.current_url).query)
    return request.GET


def _answer(request, cohort):
    """After a row action: the partial for HTMX, else back to the cohort page."""
    if request.htmx:
        return render(
            request,
            "registrations/organiser/cohort_registrations.html#registrations",
            _cohort_context(cohort, _list_params(request)),
        )
    return redirect("registrations:organiser-cohort", pk=cohort.pk)


def _registration_for_organiser(request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    cohort = programme_selectors.cohort_for_organiser(
        request.user, registration.cohort_id
    )
    return registration, cohort


@login_required
def cohort_registrations(request, pk):
    cohort = programme_selectors.cohort_for_organiser(request.user, pk)
    context = _cohort_context(cohort, request.GET)
    context["sessions"] = cohort.sessions.prefetch_related("teachers")
    sent = _page(selectors.cohort_messages(cohort), request.GET, "messages_page")
    context["sent_messages"] = sent.object_list
    context["sent_messages_page"] = sent
    return render(request, "registrations/organiser/cohort_registrations.html", context)


def _waiting_sentence(cohort):
    waiting = cohort.registrations.waitlisted().count()
    if not waiting:
        return _("The seat becomes free for others to take.")
    return ngettext(
        "The freed seat goes to the first of the %(count)s person waiting.",
        "The freed seat goes to the first of the %(count)s people waiting.",
        waiting,
    ) % {"count": waiting}


@require_http_methods(["GET", "POST"])
@login_required
def registration_cancel(request, pk):
    """Cancel a person's place, after the confirmation page (core.confirm)."""
    registration, cohort = _registration_for_organiser(request, pk)
    if not is_confirmed(request):
        person = registration.person
        consequences = [
            _("The registration of %(person)s in %(cohort)s is cancelled.")
            % {"person": person, "cohort": cohort.name},
            _("%(person)s keeps no place in the cohort and is not told by e-mail.")
            % {"person": person},
        ]
        if registration.holds_seat:
            consequences.append(_waiting_sentence(cohort))
        if registration.holds_seat and cohort.has_started(timezone.localdate()):
            consequences.append(
                _(
                    "The cohort has started: %(person)s can no longer open its "
                    "sessions, material and assignments."
                )
                % {"person": person}
            )
        return ask_first(
            request,
            title=_("Cancel the registration of %(person)s?") % {"person": person},
            consequences=consequences,
            button=_("Yes, cancel the registration"),
            back_url=reverse("registrations:organiser-cohort", args=[cohort.pk]),
            refusal=""
            if registration.is_active
            else _("The registration is already cancelled."),
        )
    try:
        services.cancel(registration, actor=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The registration of %(person)s was cancelled.")
            % {"person": registration.person},
        )
    return _answer(request, cohort)


def _move_question(request, registration, cohort, target):
    person = registration.person
    available = selectors.availability_of(
        selectors.with_availability(type(target).objects.filter(pk=target.pk)).get()
    )
    where = {"person": person, "from": cohort.name, "to": target.name}
    if available.seats_left > 0:
        arrival = ngettext(
            "%(person)s gets the only free seat in %(to)s.",
            "%(person)s gets one of the %(count)s free seats in %(to)s.",
            available.seats_left,
        ) % {**where, "count": available.seats_left}
    elif registration.status == Registration.Status.WAITLISTED:
        arrival = _(
            "%(to)s is fully booked: %(person)s joins its waitlist, behind "
            "%(count)s people."
        ) % {**where, "count": available.waitlisted}
    else:
        arrival = _(
            "%(to)s is fully booked; a person with a seat cannot be moved there."
        )
        arrival %= where
    consequences = [
        _("%(person)s leaves %(from)s.") % where,
        arrival,
    ]
    if registration.holds_seat:
        consequences.append(_waiting_sentence(cohort))
    return ask_first(
        request,
        title=_("Move %(person)s to %(to)s?") % where,
        consequences=consequences,
        button=_("Yes, move %(person)s") % where,
        back_url=reverse("registrations:organiser-cohort", args=[cohort.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def registration_move(request, pk):
    """Move a person to another cohort, after the confirmation page."""
    registration, cohort = _registration_for_organiser(request, pk)
    form = MoveForm(
        request.POST if request.method == "POST" else request.GET,
        prefix=f"move-{registration.pk}",
        cohorts=_other_cohorts(cohort, registration.person.organisation_id),
    )
    if not form.is_valid():
        messages.error(
            request, _("Choose another cohort of this programme that has not ended.")
        )
        return _answer(request, cohort)
    target = form.cleaned_data["to_cohort"]
    if not is_confirmed(request):
        return _move_question(request, registration, cohort, target)
    try:
        moved = services.move(registration, target, actor=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        done = (
            _("%(person)s was moved to %(cohort)s and has a seat there.")
            if moved.status == Registration.Status.CONFIRMED
            else _("%(person)s was moved to the waitlist of %(cohort)s.")
        )
        messages.success(
            request, done % {"person": registration.person, "cohort": target.name}
        )
    return _answer(request, cohort)


@login_required
def cohort_export(request, pk, fmt):
    """The cohort's list; with ?organisation=<pk> only that organisation's
    people (for invoicing), waitlist positions still counted in the cohort."""
    cohort = programme_selectors.cohort_for_organiser(request.user, pk)
    organisation = None
    if "organisation" in request.GET:
        organisation = get_object_or_404(
            Organisation, pk=_int_or_404(request.GET["organisation"])
        )
    content, content_type = exports.cohort_export(
        cohort, fmt, organisation=organisation
    )
    filename = exports.export_filename(cohort, fmt, organisation=organisation)
    if fmt == "xlsx":
        return FileResponse(
            content, as_attachment=True, filename=filename, content_type=content_type
        )
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _int_or_404(value):
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


@require_POST
@login_required
def exception_decide(request, pk):
    exception_request = get_object_or_404(ExceptionRequest, pk=pk)
    programme = programme_selectors.programme_for_organiser(
        request.user, exception_request.programme_id
    )
    form = ExceptionDecisionForm(request.POST, prefix=f"exception-{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether to grant or refuse the request."))
        return redirect("registrations:organiser-programme", pk=programme.pk)
    try:
        services.decide_exception(
            exception_request,
            grant=form.grant,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        done = (
            _("The exception for %(person)s was granted.")
            if form.grant
            else _("The exception for %(person)s was refused.")
        )
        messages.success(request, done % {"person": exception_request.person})
    return redirect("registrations:organiser-programme", pk=programme.pk)


urlpatterns = [
    path(
        "organiser/cohorts/<int:pk>/",
        cohort_registrations,
        name="organiser-cohort",
    ),
    path(
        "organiser/registrations/<int:pk>/cancel/",
        registration_cancel,
        name="organiser-registration-cancel",
    ),
    path(
        "organiser/registrations/<int:pk>/move/",
        registration_move,
        name="organiser-registration-move",
    ),
    re_path(
        r"^organiser/cohorts/(?P<pk>[0-9]+)/export\.(?P<fmt>xlsx|csv)$",
        cohort_export,
        name="organiser-cohort-export",
    ),
    path(
        "organiser/exceptions/<int:pk>/decide/",
        exception_decide,
        name="organiser-exception-decide",
    ),
]
