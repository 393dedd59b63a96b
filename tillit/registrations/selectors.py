"""Reads about seats and places: availability, the waitlist, a person's cohorts."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.content_languages import as_read
from tillit.core.models import Organisation, Person, Unit
from tillit.programmes import calendar
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.selectors import eligibility, programmes_for_organiser

from .models import (
    CohortMessage,
    Registration,
    RegistrationEvent,
    RegistrationQuerySet,
    Reservation,
)


@dataclass(frozen=True)
class Availability:
    """Seats of a cohort at one moment, with the words the pages show.

    A seat is taken when it is confirmed, held while approval is pending,
    offered to someone from the waitlist, or reserved by an employer contact
    and not yet named.
    """

    capacity: int
    confirmed: int
    waitlisted: int
    waitlist_enabled: bool
    held: int = 0
    offered: int = 0
    reserved: int = 0

    @property
    def taken(self) -> int:
        return self.confirmed + self.held + self.offered + self.reserved

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def share_booked(self) -> int:
        return round(100 * min(self.taken, self.capacity) / self.capacity)

    @property
    def label(self) -> str:
        if not self.is_full:
            return _("%(left)s of %(capacity)s seats left") % {
                "left": self.seats_left,
                "capacity": self.capacity,
            }
        if self.waitlist_enabled:
            return _("Fully booked: join the waitlist")
        return _("Fully booked")


def _seats_taken_sql() -> str:
    registration, reservation = Registration._meta, Reservation._meta
    taken = ", ".join(
        f"'{status}'" for status in (_STATUS.CONFIRMED, _STATUS.HELD, _STATUS.OFFERED)
    )
    return (
        f"SELECT (SELECT COUNT(*) FROM {registration.db_table}"
        f" WHERE {registration.get_field('cohort').column} = %s"
        f" AND {registration.get_field('status').column} IN ({taken}))"
        f" + COALESCE((SELECT SUM({reservation.get_field('unnamed_seats').column})"
        f" FROM {reservation.db_table}"
        f" WHERE {reservation.get_field('cohort').column} = %s"
        f" AND {reservation.get_field('released_at').column} IS NULL), 0)"
    )


def seats_taken(cohort: Cohort) -> int:
    """Seats confirmed, held, offered or reserved without a name: what
    Availability.taken counts, in one statement. The seat services ask it
    under the cohort lock on every registration, so it is written in SQL once
    (at import) rather than compiled by the ORM each time."""
    with connection.cursor() as cursor:
        cursor.execute(_SEATS_TAKEN, [cohort.pk, cohort.pk])
        return cursor.fetchone()[0]


def seats_left(cohort: Cohort) -> int:
    """Free seats, counted now. Callers deciding on a seat must hold the cohort lock."""
    return max(cohort.capacity - seats_taken(cohort), 0)


def organisation_places(cohort: Cohort, organisation: Organisation) -> int:
    """Places an organisation's people hold or wait for in a cohort, with its
    unnamed reserved seats: what the per-organisation seat limit counts."""
    active = cohort.registrations.active().filter(person__organisation=organisation)
    unnamed = cohort.reservations.filter(
        organisation=organisation, released_at__isnull=True
    ).aggregate(n=Sum("unnamed_seats"))["n"]
    return active.count() + (unnamed or 0)


def waitlist(cohort: Cohort) -> RegistrationQuerySet:
    """Waiting registrations in arrival order (first come, first served)."""
    return cohort.registrations.waitlisted().select_related("person")


_STATUS = Registration.Status
_SEATS_TAKEN = _seats_taken_sql()


def _status_counts(prefix: str = "") -> dict[str, Count]:
    def count(status: str) -> Count:
        return Count(f"{prefix}pk", filter=Q(**{f"{prefix}status": status}))

    return {
        "n_confirmed": count(_STATUS.CONFIRMED),
        "n_held": count(_STATUS.HELD),
        "n_offered": count(_STATUS.OFFERED),
        "n_waitlisted": count(_STATUS.WAITLISTED),
    }


def _from_counts(
    cohort: Cohort, counts: dict[str, int], reserved: int | None
) -> Availability:
    return Availability(
        capacity=cohort.capacity,
        confirmed=counts["n_confirmed"],
        held=counts["n_held"],
        offered=counts["n_offered"],
        waitlisted=counts["n_waitlisted"],
        reserved=reserved or 0,
        waitlist_enabled=cohort.waitlist_enabled,
    )


def availability(cohort: Cohort) -> Availability:
    """A cohort's seats now, in one statement (what with_availability
    counts, for one cohort in hand): the cohort page and the answer after
    every registration ask it, so it is written in SQL once."""
    with connection.cursor() as cursor:
        cursor.execute(_AVAILABILITY, [cohort.pk] * 5)
        confirmed, held, offered, waitlisted, reserved = cursor.fetchone()
    return Availability(
        capacity=cohort.capacity,
        confirmed=confirmed,
        held=held,
        offered=offered,
        waitlisted=waitlisted,
        reserved=reserved,
        waitlist_enabled=cohort.waitlist_enabled,
    )


def _availability_sql() -> str:
    registration, reservation = Registration._meta, Reservation._meta
    cohort, status = (
        str(registration.get_field(name).column)  # type: ignore[union-attr]
        for name in ("cohort", "status")
    )

    def count(value: str) -> str:
        return (
            f"(SELECT COUNT(*) FROM {registration.db_table}"
            f" WHERE {cohort} = %s AND {status} = '{value}')"
        )

    counts = [
        count(value)
        for value in (
            _STATUS.CONFIRMED,
            _STATUS.HELD,
            _STATUS.OFFERED,
            _STATUS.WAITLISTED,
        )
    ]
    reserved = (
        f"COALESCE((SELECT SUM({reservation.get_field('unnamed_seats').column})"
        f" FROM {reservation.db_table}"
        f" WHERE {reservation.get_field('cohort').column} = %s"
        f" AND {reservation.get_field('released_at').column} IS NULL), 0)"
    )
    return f"SELECT {', '.join(counts)}, {reserved}"


_AVAILABILITY = _availability_sql()


def _count_subquery(status: str) -> Coalesce:
    """Registrations of the outer cohort in `status`, counted by a correlated
    subquery on the (cohort, status, created_at) index."""
    counted = (
        Registration.objects.filter(cohort=OuterRef("pk"), status=status)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_availability(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate a cohort queryset with its counts in one query; read them with
    `availability_of(cohort)`.

    Each count is a correlated subquery rather than a join with GROUP BY, so a
    page of a long list (LIMIT) counts the registrations of its own cohorts
    only, and the list's count() leaves them out: a list of 2,000 cohorts with
    100,000 registrations costs what a list of twenty does.
    """
    reserved = (
        Reservation.objects.filter(cohort=OuterRef("pk"), released_at__isnull=True)
        .order_by()
        .values("cohort")
        .annotate(n=Sum("unnamed_seats"))
        .values("n")
    )
    counts = {
        name: _count_subquery(status)
        for name, status in (
            ("n_confirmed", _STATUS.CONFIRMED),
            ("n_held", _STATUS.HELD),
            ("n_offered", _STATUS.OFFERED),
            ("n_waitlisted", _STATUS.WAITLISTED),
        )
    }
    return cohorts.annotate(
        **counts, n_reserved=Subquery(reserved, output_field=IntegerField())
    )


def availability_of(cohort: Cohort) -> Availability:
    """Availability from `with_availability` annotations, else from a query."""
    if not hasattr(cohort, "n_reserved"):
        return availability(cohort)
    counts = {name: getattr(cohort, name) for name in _status_counts()}
    return _from_counts(cohort, counts, cohort.n_reserved)


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the waitlist, or None for a registration not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = registration.cohort.registrations.waitlisted().filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def active_registration(person: Person, cohort: Cohort) -> Registration | None:
    if not person.is_authenticated:
        return None
    return cohort.registrations.active().filter(person=person).first()


def registrations_for_person(person: Person) -> RegistrationQuerySet:
    """A person's registrations, newest cohorts first, with what the pages show."""
    return (
        Registration.objects.filter(person=person)
        .select_related("cohort__programme__organiser", "approver")
        .prefetch_related("cohort__sessions")
        .order_by("-cohort__starts_on", "pk")
    )


def upcoming_registrations(person: Person) -> RegistrationQuerySet:
    return (
        registrations_for_person(person)
        .active()
        .filter(cohort__ends_on__gte=timezone.localdate())
    )


def registrations_for_cohort(cohort: Cohort) -> RegistrationQuerySet:
    """Everyone in a cohort, seats first, then the waitlist in order."""
    return (
        cohort.registrations.active()
        .select_related("person__organisation", "person__unit")
        .order_by("status", "created_at", "pk")
    )


def participants(cohort: Cohort) -> QuerySet[Person]:
    """The people with a confirmed seat in a cohort, by name."""
    return (
        Person.objects.filter(
            registrations__cohort=cohort,
            registrations__status=Registration.Status.CONFIRMED,
        )
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def waitlisted_people(cohort: Cohort) -> QuerySet[Person]:
    """The people on a cohort's waitlist, by name."""
    return (
        Person.objects.filter(
            registrations__cohort=cohort,
            registrations__status=Registration.Status.WAITLISTED,
        )
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def cohort_messages(cohort: Cohort) -> QuerySet[CohortMessage]:
    """The messages organisers sent to the cohort's people, newest first."""
    return cohort.messages.select_related("sender").order_by("-sent_at", "-pk")


def with_waitlist_position(
    registrations: RegistrationQuerySet,
) -> RegistrationQuerySet:
    """Annotate `waitlist_position` in the list's own query: the same number as
    `waitlist_position(registration)` (1-based in arrival order, None when the
    registration is not waiting)."""
    ahead = (
        Registration.objects.filter(
            cohort=OuterRef("cohort"), status=Registration.Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(
        waitlist_position=Case(
            When(
                status=Registration.Status.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
            ),
            default=Value(None),
            output_field=IntegerField(),
        )
    )


# Employer contacts and approvers (issue 3)


def availability_from(
    cohort: Cohort,
    registrations: Iterable[Registration],
    reservations: Iterable[Reservation],
) -> Availability:
    """A cohort's availability from its active registrations and its
    reservations, already loaded: the numbers of `availability(cohort)` without
    another query."""
    counts = {"n_confirmed": 0, "n_held": 0, "n_offered": 0, "n_waitlisted": 0}
    for registration in registrations:
        key = f"n_{registration.status}"
        if key in counts:
            counts[key] += 1
    reserved = sum(r.unnamed_seats for r in reservations if r.released_at is None)
    return _from_counts(cohort, counts, reserved)


def approvals_for(person: Person) -> RegistrationQuerySet:
    """Held seats the person may approve now, soonest lapse first, in one query:
    those naming them as approver, those without a named approver in an
    organisation they are an employer contact of, and those of programmes they
    organise (the rule of services.can_approve)."""
    held = Registration.objects.filter(status=Registration.Status.HELD)
    if not person.is_authenticated:
        return held.none()
    held = held.exclude(person=person)
    if not person.is_superuser:
        held = held.filter(
            Q(approver=person)
            | Q(
                approver__isnull=True,
                person__organisation__in=person.employer_contact_for.all(),
            )
            | Q(cohort__programme__in=programmes_for_organiser(person))
        )
    return held.select_related(
        "person__organisation",
        "person__unit",
        "person__manager",
        "approver",
        "booked_by",
        "cohort__programme__organiser",
    ).order_by("expires_at", "pk")


def employer_organisations(person: Person) -> QuerySet[Organisation]:
    """The organisations the person is an employer contact of."""
    if not person.is_authenticated:
        return Organisation.objects.none()
    return person.employer_contact_for.order_by(as_read("name"), "pk")


def employer_registrations(person: Person) -> RegistrationQuerySet:
    """Registrations of the people of the organisations a person is an employer
    contact of, newest cohorts first; nothing of any other organisation."""
    return (
        Registration.objects.filter(
            person__organisation__in=employer_organisations(person)
        )
        .select_related(
            "person__organisation", "person__unit", "cohort__programme", "booked_by"
        )
        .order_by("-cohort__starts_on", "cohort_id", "created_at", "pk")
    )


def registration_for_employer(person: Person, pk: int) -> Registration:
    """A registration of a person in one of the employer contact's
    organisations, else Http404."""
    return get_object_or_404(
        Registration.objects.select_related(
            "person__organisation", "cohort__programme__organiser"
        ),
        pk=pk,
        person__organisation__in=employer_organisations(person),
    )


def reservation_for_employer(person: Person, pk: int) -> Reservation:
    """A reservation of one of the employer contact's organisations, else
    Http404."""
    return get_object_or_404(
        Reservation.objects.select_related(
            "organisation", "cohort__programme__organiser"
        ),
        pk=pk,
        organisation__in=employer_organisations(person),
    )


def managers_of(
    organisation: Organisation,
    *,
    unit: Unit | None = None,
    cohort: Cohort | None = None,
) -> QuerySet[Person]:
    """The active people of an organisation with unit and title, by name; with a
    cohort, each gets `cohort_status`: the status of their active registration
    in it, or None."""
    people = organisation.people.filter(is_active=True).select_related("unit")
    if unit is not None:
        people = people.filter(unit=unit)
    if cohort is not None:
        status = (
            Registration.objects.active()
            .filter(cohort=cohort, person=OuterRef("pk"))
            .values("status")[:1]
        )
        people = people.annotate(cohort_status=Subquery(status))
    return people.order_by("last_name", "first_name", "pk")


def employer_overview(person: Person) -> QuerySet[Organisation]:
    """The employer contact's organisations, each with `managers` (active
    people with unit, each with `registrations_seen`: their registrations, newest
    cohort first, with waitlist positions) and `open_reservations`. Four queries
    however many people and registrations."""
    registrations = with_waitlist_position(
        Registration.objects.select_related("cohort__programme__organiser", "approver")
    ).order_by("-cohort__starts_on", "pk")
    managers = (
        Person.objects.filter(is_active=True)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "registrations", queryset=registrations, to_attr="registrations_seen"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    reservations = Reservation.objects.filter(released_at__isnull=True).select_related(
        "cohort__programme"
    )
    return employer_organisations(person).prefetch_related(
        Prefetch("people", queryset=managers, to_attr="managers"),
        Prefetch("reservations", queryset=reservations, to_attr="open_reservations"),
    )


def reservations_for_employer(person: Person) -> QuerySet[Reservation]:
    """The reservations of the employer contact's organisations, newest first,
    each with `named`: the active registrations in its seats."""
    named = (
        Registration.objects.active()
        .select_related("person__unit")
        .order_by("created_at", "pk")
    )
    return (
        Reservation.objects.filter(organisation__in=employer_organisations(person))
        .select_related("organisation", "booked_by", "cohort__programme__organiser")
        .prefetch_related(Prefetch("registrations", queryset=named, to_attr="named"))
        .order_by("-created_at", "-pk")
    )


def bookable_cohorts(
    now: dt.datetime | None = None,
    *,
    organisations: Iterable[Organisation] = (),
    person: Person | None = None,
) -> QuerySet[Cohort]:
    """Published cohorts open for registration now, soonest first, with their
    availability annotated (read it with `availability_of`): the cohorts anyone
    may join and the internal cohorts of `organisations`; cohorts of internal
    programmes only for the organiser's own people (`person`)."""
    now = now or timezone.now()
    cohorts = (
        Cohort.objects.published(person)
        .offered_to([organisation.pk for organisation in organisations])
        .filter(registration_opens_at__lte=now, registration_closes_at__gt=now)
        .select_related("programme__organiser")
        .order_by("starts_on", "pk")
    )
    return with_availability(cohorts)


def own_cancel_refusal(registration: Registration, today: dt.date) -> str:
    """Why the person may not cancel this place themself, or '': a seat in a
    programme's cohort that has started is ended by the organiser (the
    person's assignments, attendance and progress hang on it)."""
    cohort = registration.cohort
    if (
        registration.status != Registration.Status.CONFIRMED
        or cohort.programme.kind == cohort.programme.Kind.EVENT_SERIES
        or not cohort.has_started(today)
    ):
        return ""
    return _(
        "%(cohort)s has started, so you cannot cancel your seat yourself. Ask "
        "the organiser, %(organiser)s, who can end your participation."
    ) % {"cohort": cohort.name, "organiser": cohort.programme.organiser}


def signup_context(
    person: Person,
    cohort: Cohort,
    *,
    error: str | None = None,
    notice: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """What the signup block of a cohort shows to this visitor now (the cohort
    page, an event's page and the signup answers all render it)."""
    now = now or timezone.now()
    registration = active_registration(person, cohort)
    verdict = None
    exception_request = None
    if person.is_authenticated and registration is None:
        verdict = eligibility(person, cohort.programme)
        if not verdict.is_eligible:
            exception_request = person.exception_requests.filter(
                programme=cohort.programme
            ).first()
    return {
        "cohort": cohort,
        "programme": cohort.programme,
        "availability": availability(cohort),
        "registration": registration,
        "waitlist_position": (
            waitlist_position(registration) if registration else None
        ),
        "cancel_refusal": (
            own_cancel_refusal(registration, timezone.localdate(now))
            if registration
            else ""
        ),
        "not_yet_open": cohort.registration_has_not_opened(now),
        "is_open": cohort.registration_is_open(now),
        "eligibility": verdict,
        "exception_request": exception_request,
        "error": error,
        "notice": notice,
    }


def programme_seat_events(
    programme: Programme, *, cohort: Cohort | None = None
) -> QuerySet[RegistrationEvent]:
    """The seat events (RegistrationEvent) of a programme's registrations, or
    of one cohort's: the registrations' half of the programme's trail
    (programmes.trail merges them with the audit log)."""
    events = RegistrationEvent.objects.filter(registration__cohort__programme=programme)
    if cohort is not None:
        events = events.filter(registration__cohort=cohort)
    return events


def calendar_sessions(person: Person) -> QuerySet[Any]:
    """A person's calendar feed: every session of a cohort where they have a
    confirmed seat, and every session they teach (named on the session or on
    its programme), read as programmes.calendar writes them."""
    return (
        calendar.sessions_for_ics()
        .filter(
            Q(
                cohort__registrations__person=person,
                cohort__registrations__status=Registration.Status.CONFIRMED,
            )
            | Q(teachers=person)
            | Q(cohort__programme__teachers=person)
            # A cancelled cohort stays in the feed of those whose place it
            # ended, so their calendar marks its sessions cancelled.
            | Q(
                cohort__cancelled_at__isnull=False,
                cohort__registrations__person=person,
                cohort__registrations__cancelled_at__gte=F("cohort__cancelled_at"),
            )
        )
        .distinct()
    )
