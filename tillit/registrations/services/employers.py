"""What an employer contact does for their organisation's managers: book several
people in one go, reserve seats and name people later, swap a colleague in."""

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.models import Organisation, Person
from tillit.programmes.models import Cohort
from tillit.programmes.selectors import eligibility

from .. import emails
from ..models import Booking, Registration, Reservation
from . import seats
from .seats import (
    Action,
    EndReason,
    NotAllowed,
    RegistrationError,
    Status,
    seat_service,
)


@dataclass(frozen=True)
class BookingOutcome:
    """What happened to one person in a booking: a seat, a held seat awaiting
    approval, a place on the waitlist, or refused with the reason."""

    person: Person
    outcome: str  # "seat", "held", "waitlisted" or "refused"
    reason: str = ""
    registration: Registration | None = None


def _check_contact(actor: Person, organisation: Organisation | None) -> None:
    if not seats.is_employer_contact(actor, organisation):
        raise NotAllowed(
            _("Only employer contacts of %(organisation)s may do this.")
            % {"organisation": organisation}
        )


def _refusal(cohort: Cohort, person: Person, organisation: Organisation) -> str:
    """Why a person cannot be booked, checked before the lock, or ''."""
    if person.organisation_id != organisation.pk:
        return _("Not a member of %(organisation)s.") % {"organisation": organisation}
    internal = seats.internal_refusal(cohort, organisation)
    if internal:
        return internal
    verdict = eligibility(person, cohort.programme)
    if not verdict.is_eligible:
        return _("Not in the target group: %(reasons)s") % {
            "reasons": " ".join(verdict.reasons)
        }
    return ""


@seat_service
def book_for_others(
    cohort: Cohort,
    people: Sequence[Person],
    *,
    actor: Person,
    organisation: Organisation,
    wait_together: bool = False,
) -> list[BookingOutcome]:
    """Book seats for named managers of the actor's organisation in one go.

    Everyone gets an explicit outcome. Refusals (outside the target group,
    already registered, over the organisation's limit) do not stop the others.
    With `wait_together`, the people who can be booked get seats only if all of
    them fit; otherwise they wait as one entry that the waitlist promotes whole.
    A person with a place in another cohort of the programme, or a cohort
    internal to another organisation, is refused with the reason.
    """
    _check_contact(actor, organisation)
    people = list(dict.fromkeys(people))
    refused = {p.pk: _refusal(cohort, p, organisation) for p in people}
    (cohort,) = seats.lock_cohorts(cohort)
    seats.lock_people(*people)
    now = timezone.now()
    seats.check_open(cohort, now)

    outcomes: dict = {}
    accepted: list = []
    for person in people:
        reason = refused[person.pk] or _place_refusal(
            cohort, person, organisation, len(accepted), today=timezone.localdate(now)
        )
        if reason:
            outcomes[person.pk] = BookingOutcome(person, "refused", reason)
        else:
            accepted.append(person)
    free = seats.seats_left(cohort)
    seated = len(accepted) if len(accepted) <= free else (0 if wait_together else free)
    if len(accepted) > seated and not cohort.waitlist_enabled:
        full = _("The cohort is fully booked.")
        for person in accepted[seated:]:
            outcomes[person.pk] = BookingOutcome(person, "refused", full)
        accepted = accepted[:seated]
    if accepted:
        booking = Booking.objects.create(
            cohort=cohort,
            organisation=organisation,
            booked_by=actor,
            wait_together=wait_together,
        )
        for index, person in enumerate(accepted):
            outcomes[person.pk] = _book_one(
                cohort, person, booking, actor, now, with_seat=index < seated
            )
    return [outcomes[p.pk] for p in people]


def _place_refusal(
    cohort: Cohort,
    person: Person,
    organisation: Organisation,
    already_accepted: int,
    *,
    today: dt.date,
) -> str:
    if cohort.registrations.active().filter(person=person).exists():
        return _("Already registered for this cohort.")
    other = seats.one_cohort_refusal(cohort, person, today=today)
    if other:
        return other
    try:
        seats.check_organisation_limit(cohort, organisation, extra=already_accepted + 1)
    except RegistrationError as error:
        return str(error)
    return ""


def _book_one(
    cohort: Cohort,
    person: Person,
    booking: Booking,
    actor: Person,
    now: dt.datetime,
    *,
    with_seat: bool,
) -> BookingOutcome:
    registration = Registration(
        cohort=cohort, person=person, booked_by=actor, booking=booking
    )
    if with_seat:
        seats.give_seat(
            registration, cohort, actor=actor, now=now, action=Action.REGISTERED
        )
        outcome = "seat" if registration.status == Status.CONFIRMED else "held"
        return BookingOutcome(person, outcome, registration=registration)
    registration.status = Status.WAITLISTED
    registration.save()
    seats.log(registration, Action.WAITLISTED, actor)
    emails.receipt_after_commit(registration, cohort)
    return BookingOutcome(person, "waitlisted", registration=registration)


@seat_service
def reserve_seats(
    cohort: Cohort, *, actor: Person, organisation: Organisation, seats_wanted: int
) -> Reservation:
    """Hold free seats for an organisation, to be named before the cohort's
    naming deadline. Reservations take free seats only; they never wait."""
    _check_contact(actor, organisation)
    programme = cohort.programme
    if programme.is_internal and organisation.pk != programme.organiser_id:
        raise NotAllowed(
            _("The programme is internal to %(organisation)s.")
            % {"organisation": programme.organiser.name}
        )
    seats.check_internal(cohort, organisation)
    (cohort,) = seats.lock_cohorts(cohort)
    now = timezone.now()
    seats.check_open(cohort, now)
    if cohort.naming_deadline is None or now >= cohort.naming_deadline:
        raise RegistrationError(_("Seats cannot be reserved for this cohort."))
    if seats_wanted < 1:
        raise RegistrationError(_("Reserve at least one seat."))
    left = seats.seats_left(cohort)
    if seats_wanted > left:
        raise seats.CohortFull(
            ngettext(
                "Only %(left)s seat is free.", "Only %(left)s seats are free.", left
            )
            % {"left": left}
        )
    seats.check_organisation_limit(cohort, organisation, extra=seats_wanted)
    return Reservation.objects.create(
        cohort=cohort,
        organisation=organisation,
        booked_by=actor,
        seats=seats_wanted,
        unnamed_seats=seats_wanted,
    )


@seat_service
def name_seat(
    reservation: Reservation, person: Person, *, actor: Person
) -> Registration:
    """Put a named manager into one of a reservation's unnamed seats."""
    _check_contact(actor, reservation.organisation)
    reason = _refusal(reservation.cohort, person, reservation.organisation)
    if reason:
        raise RegistrationError(reason)
    (cohort,) = seats.lock_cohorts(reservation.cohort)
    seats.lock_people(person)
    reservation.refresh_from_db()
    now = timezone.now()
    if (
        reservation.released_at
        or not cohort.naming_deadline
        or now >= cohort.naming_deadline
    ):
        raise RegistrationError(_("The deadline for naming reserved seats has passed."))
    if reservation.unnamed_seats == 0:
        raise RegistrationError(_("Every reserved seat already has a name."))
    seats.check_not_registered(cohort, person)
    seats.check_one_cohort_per_programme(cohort, person, today=timezone.localdate(now))
    reservation.unnamed_seats -= 1
    reservation.save(update_fields=["unnamed_seats"])
    registration = Registration(
        cohort=cohort, person=person, booked_by=actor, reservation=reservation
    )
    return seats.give_seat(
        registration, cohort, actor=actor, now=now, action=Action.NAMED
    )


@seat_service
def swap(
    registration: Registration, new_person: Person, *, actor: Person
) -> Registration:
    """Give a booked seat to a colleague until the cohort starts; the seat (or
    the place on the waitlist) is kept, nobody else moves."""
    organisation = registration.person.organisation
    _check_contact(actor, organisation)
    # _check_contact refuses a person without an organisation.
    reason = _refusal(registration.cohort, new_person, cast(Organisation, organisation))
    if reason:
        raise RegistrationError(reason)
    (cohort,) = seats.lock_cohorts(registration.cohort)
    seats.lock_people(registration.person, new_person)
    registration.refresh_from_db()
    now = timezone.now()
    if registration.status == Status.CANCELLED:
        raise RegistrationError(_("A cancelled registration cannot be swapped."))
    if timezone.localdate() >= cohort.starts_on:
        raise RegistrationError(
            _("The cohort has started; seats can no longer be swapped.")
        )
    seats.check_not_registered(cohort, new_person)
    seats.check_one_cohort_per_programme(
        cohort, new_person, today=timezone.localdate(now)
    )

    status, expires_at = registration.status, registration.expires_at
    seats.end(
        registration, EndReason.SWAPPED, actor=actor, now=now, action=Action.SWAPPED_OUT
    )
    transaction.on_commit(
        functools.partial(
            emails.send_seat_passed_on,
            registration.pk,
            had=str(status),
            by=actor.get_full_name() or str(actor),
        )
    )
    successor = Registration(
        cohort=cohort,
        person=new_person,
        booked_by=actor,
        booking=registration.booking,
        reservation=registration.reservation,
    )
    if status in (Status.CONFIRMED, Status.HELD):
        seats.give_seat(
            successor, cohort, actor=actor, now=now, action=Action.SWAPPED_IN
        )
    else:
        successor.status, successor.expires_at = status, expires_at
        successor.save()
        # The colleague takes over the place in the queue, not a new one.
        Registration.objects.filter(pk=successor.pk).update(
            created_at=registration.created_at
        )
        seats.log(successor, Action.SWAPPED_IN, actor)
    return successor
