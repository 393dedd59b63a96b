"""Pages of employer contacts: their organisations' managers and registrations,
booking several managers at once, reserving seats and naming people later, and
swapping a colleague into a booked seat.

Every view finds what it shows through the employer gates in `selectors`
(organisations the person is an employer contact of), so anyone else gets 404.
The services check the same rule again and write; views only find and answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.core.models import Person
from tillit.programmes.models import Cohort

from .. import selectors, services
from ..forms_employer import (
    BookForm,
    NameSeatForm,
    ReserveForm,
    SwapForm,
    UnitFilterForm,
)
from ..models import Registration

Status = Registration.Status
HOME_TEMPLATE = "registrations/employer/home.html"
BOOK_TEMPLATE = "registrations/employer/book.html"
RESERVATIONS_TEMPLATE = "registrations/employer/reservations.html"


def _organisations(person):
    """The person's organisations as employer contact; 404 when there are none."""
    organisations = list(selectors.employer_organisations(person))
    if not organisations:
        raise Http404
    return organisations


def _chosen_organisation(request, organisations):
    """The organisation named by ?organisation= (or the form), else the first."""
    value = request.POST.get("organisation") or request.GET.get("organisation")
    if not value:
        return organisations[0]
    for organisation in organisations:
        if str(organisation.pk) == value:
            return organisation
    raise Http404


def _progress(registration, today):
    """How far a registration has come, in words for the employer contact."""
    cohort = registration.cohort
    if registration.status != Status.CONFIRMED:
        return ""
    if cohort.ends_on < today:
        return _("Completed")
    if cohort.starts_on <= today:
        return _("In progress")
    return _("Starts %(date)s") % {"date": date_format(cohort.starts_on, "DATE_FORMAT")}


def _manager_rows(managers, today):
    return [
        {
            "person": manager,
            "registrations": [
                {
                    "registration": registration,
                    "progress": _progress(registration, today),
                    "may_swap": registration.is_active
                    and registration.cohort.starts_on > today,
                }
                for registration in manager.registrations_seen
            ],
        }
        for manager in managers
    ]


@login_required
def employer_home(request):
    organisations = list(selectors.employer_overview(request.user))
    if not organisations:
        raise Http404
    today = timezone.localdate()
    now = timezone.now()
    cohorts = [
        {
            "cohort": cohort,
            "availability": selectors.availability_of(cohort),
            "may_reserve": bool(
                cohort.naming_deadline and cohort.naming_deadline > now
            ),
        }
        for cohort in selectors.bookable_cohorts(
            now, organisations=organisations, person=request.user
        )
    ]
    context = {
        "organisations": [
            {
                "organisation": organisation,
                "managers": _manager_rows(organisation.managers, today),
                "reservations": organisation.open_reservations,
            }
            for organisation in organisations
        ],
        "cohorts": cohorts,
        "approvals_waiting": selectors.approvals_for(request.user).count(),
    }
    return render(request, HOME_TEMPLATE, context)


# Book several managers


def _bookable_cohort(request, pk):
    return get_object_or_404(
        Cohort.objects.published(request.user).select_related("programme__organiser"),
        pk=pk,
    )


def _outcome_rows(outcomes):
    """Each person's outcome with the waitlist position, in one query."""
    waiting = [o.registration.pk for o in outcomes if o.outcome == "waitlisted"]
    positions = dict(
        selectors.with_waitlist_position(
            Registration.objects.filter(pk__in=waiting)
        ).values_list("pk", "waitlist_position")
    )
    return [
        {
            "outcome": outcome,
            "position": positions.get(outcome.registration.pk)
            if outcome.registration
            else None,
        }
        for outcome in outcomes
    ]


def _booking_context(request, cohort, organisation, organisations, form, **extra):
    unit_form = UnitFilterForm(request.GET or None, organisation=organisation)
    people = selectors.managers_of(
        organisation, unit=unit_form.chosen_unit(), cohort=cohort
    )
    checked = {str(value) for value in form["people"].value() or ()}
    return {
        "cohort": cohort,
        "programme": cohort.programme,
        "availability": selectors.availability(cohort),
        "organisation": organisation,
        "organisations": organisations,
        "unit_form": unit_form,
        "form": form,
        "rows": [
            {
                "person": person,
                "checked": str(person.pk) in checked,
                "status": Status(person.cohort_status).label
                if person.cohort_status
                else None,
            }
            for person in people
        ],
        "is_open": cohort.registration_is_open(timezone.now()),
        **extra,
    }


@login_required
def employer_book(request, pk):
    cohort = _bookable_cohort(request, pk)
    organisations = _organisations(request.user)
    organisation = _chosen_organisation(request, organisations)
    people = list(selectors.managers_of(organisation))
    form = BookForm(request.POST or None, people=people)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            outcomes = services.book_for_others(
                cohort,
                form.cleaned_data["people"],
                actor=request.user,
                organisation=organisation,
                wait_together=form.wait_together,
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            results = _outcome_rows(outcomes)
            form = BookForm(people=people, initial={"mode": form.cleaned_data["mode"]})
    context = _booking_context(
        request, cohort, organisation, organisations, form, results=results
    )
    if request.htmx and request.method == "POST":
        return render(request, f"{BOOK_TEMPLATE}#booking", context)
    if request.htmx and request.htmx.target == "people":
        return render(request, f"{BOOK_TEMPLATE}#people", context)
    return render(request, BOOK_TEMPLATE, context)


# Reserve now, name later


@login_required
def employer_reserve(request, pk):
    cohort = get_object_or_404(
        Cohort.objects.published(request.user)
        .filter(naming_deadline__isnull=False)
        .select_related("programme__organiser"),
        pk=pk,
    )
    organisations = _organisations(request.user)
    availability = selectors.availability(cohort)
    form = ReserveForm(
        request.POST or None,
        organisations=organisations,
        max_seats=availability.seats_left,
    )
    if request.method == "POST" and form.is_valid():
        try:
            reservation = services.reserve_seats(
                cohort,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                seats_wanted=form.cleaned_data["seats"],
            )
        except services.RegistrationError as error:
            form.add_error("seats", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(seats)s seat is reserved in %(cohort)s. Name the person "
                    "before %(deadline)s.",
                    "%(seats)s seats are reserved in %(cohort)s. Name the people "
                    "before %(deadline)s.",
                    reservation.seats,
                )
                % {
                    "seats": reservation.seats,
                    "cohort": cohort,
                    "deadline": _local(cohort.naming_deadline),
                },
            )
            return redirect("registrations:employer-reservations")
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "availability": availability,
        "deadline_passed": cohort.naming_deadline <= timezone.now(),
        "form": form,
    }
    return render(request, "registrations/employer/reserve.html", context)


def _local(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _people_by_cohort(reservations, organisations):
    """For each cohort of the reservations, the organisations' people not yet
    registered in it: whom a seat may be given to. Two queries."""
    people = list(
        Person.objects.filter(organisation__in=organisations, is_active=True)
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )
    registered = set(
        Registration.objects.active()
        .filter(
            cohort__in={r.cohort_id for r in reservations},
            person__organisation__in=organisations,
        )
        .values_list("cohort_id", "person_id")
    )
    return {
        reservation.pk: [
            person
            for person in people
            if person.organisation_id == reservation.organisation_id
            and (reservation.cohort_id, person.pk) not in registered
        ]
        for reservation in reservations
    }


def _reservation_cards(request, organisations, bound=None):
    reservations = list(selectors.reservations_for_employer(request.user))
    candidates = _people_by_cohort(reservations, organisations)
    now = timezone.now()
    today = timezone.localdate()
    cards = []
    for reservation in reservations:
        cohort = reservation.cohort
        may_name = (
            reservation.released_at is None
            and reservation.unnamed_seats > 0
            and cohort.naming_deadline is not None
            and now < cohort.naming_deadline
        )
        form = (bound or {}).get(reservation.pk) or NameSeatForm(
            prefix=f"name-{reservation.pk}", people=candidates[reservation.pk]
        )
        cards.append(
            {
                "reservation": reservation,
                "cohort": cohort,
                "may_name": may_name,
                "may_swap": cohort.starts_on > today,
                "form": form,
            }
        )
    return cards


def _reservations_page(request, organisations, *, bound=None):
    context = {"cards": _reservation_cards(request, organisations, bound)}
    template = RESERVATIONS_TEMPLATE
    if request.htmx:
        template += "#reservation-list"
    return render(request, template, context)


@login_required
def employer_reservations(request):
    return _reservations_page(request, _organisations(request.user))


@require_POST
@login_required
def employer_name_seat(request, pk):
    reservation = selectors.reservation_for_employer(request.user, pk)
    organisations = _organisations(request.user)
    people = _people_by_cohort([reservation], organisations)[reservation.pk]
    form = NameSeatForm(request.POST, prefix=f"name-{reservation.pk}", people=people)
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            registration = services.name_seat(reservation, person, actor=request.user)
        except services.RegistrationError as error:
            form.add_error("person", str(error))
        else:
            messages.success(request, _named_notice(registration))
            if not request.htmx:
                return redirect("registrations:employer-reservations")
            return _reservations_page(request, organisations)
    return _reservations_page(request, organisations, bound={reservation.pk: form})


def _named_notice(registration):
    values = {"person": registration.person, "cohort": registration.cohort}
    if registration.status == Status.HELD:
        return (
            _("%(person)s has a seat in %(cohort)s, held until it is approved.")
            % values
        )
    return _("%(person)s has a seat in %(cohort)s.") % values


# Swap a colleague in


def _swap_candidates(registration):
    registered = registration.cohort.registrations.active().values("person")
    return list(
        registration.person.organisation.people.filter(is_active=True)
        .exclude(pk__in=registered)
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )


@login_required
def employer_swap(request, pk):
    registration = selectors.registration_for_employer(request.user, pk)
    form = SwapForm(request.POST or None, people=_swap_candidates(registration))
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.swap(
                registration, form.cleaned_data["new_person"], actor=request.user
            )
        except services.RegistrationError as error:
            form.add_error("new_person", str(error))
        else:
            messages.success(
                request,
                _("%(new)s has taken over the place of %(old)s in %(cohort)s.")
                % {
                    "new": successor.person,
                    "old": registration.person,
                    "cohort": registration.cohort,
                },
            )
            if request.POST.get("next") == "reservations":
                return redirect("registrations:employer-reservations")
            return redirect("registrations:employer-home")
    context = {
        "registration": registration,
        "cohort": registration.cohort,
        "form": form,
        "may_swap": registration.is_active
        and registration.cohort.starts_on > timezone.localdate(),
        "next": request.GET.get("next") or request.POST.get("next", ""),
    }
    return render(request, "registrations/employer/swap.html", context)


urlpatterns = [
    path("employer/", employer_home, name="employer-home"),
    path("employer/cohorts/<int:pk>/book/", employer_book, name="employer-book"),
    path(
        "employer/cohorts/<int:pk>/reserve/",
        employer_reserve,
        name="employer-reserve",
    ),
    path(
        "employer/reservations/",
        employer_reservations,
        name="employer-reservations",
    ),
    path(
        "employer/reservations/<int:pk>/name/",
        employer_name_seat,
        name="employer-name-seat",
    ),
    path(
        "employer/registrations/<int:pk>/swap/",
        employer_swap,
        name="employer-swap",
    ),
]
