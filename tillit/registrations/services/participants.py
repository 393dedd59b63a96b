"""A person's own registration, and the organiser's changes to it."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.models import Person
from tillit.programmes import services as programme_services
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.selectors import eligibility

from .. import emails
from ..models import ExceptionRequest, Registration
from ..selectors import own_cancel_refusal
from . import seats
from .seats import (
    Action,
    AlreadyRegistered,
    CohortFull,
    EndReason,
    NotEligible,
    RegistrationError,
    Status,
    seat_service,
)


@seat_service
def register(
    person: Person,
    cohort: Cohort,
    *,
    actor: Person | None = None,
    now: dt.datetime | None = None,
    published_for: Person | None = None,
) -> Registration:
    """Give the person a seat (held for approval when the programme asks), or a
    place on the waitlist when the cohort is full.

    Raises RegistrationClosed, AlreadyRegistered (also: a place in another
    cohort of the programme that has not ended), NotEligible, NotAllowed
    (another organisation's internal cohort), CohortFull (no waitlist),
    RegistrationError (organisation's seat limit) or TryAgain.
    `actor` is who acted, when not the person. `published_for`: the cohort
    must be one this person may see (Cohort.DoesNotExist otherwise), so a view
    may pass `Cohort(pk=pk)` and the cohort is read once, with its lock.

    The registration rush goes through here, so it reads what it needs in few
    queries: the cohort with its programme (lock_cohorts), the person's lock,
    the person's places and the waitlist's length (seats.places), the free
    seats (seats.seats_left), then two inserts. The returned registration
    carries `waitlist_position` (None when not waiting), counted under the lock.
    """
    lock = {} if published_for is None else {"published_for": published_for}
    (cohort,) = seats.lock_cohorts(cohort, **lock)
    # The target group does not depend on seats; a programme without rules
    # that is not internal is open to everyone (eligibility()), known from the
    # lock query without reading the rules (a cohort read otherwise is checked).
    if getattr(cohort, "has_target_rules", True) or cohort.programme.is_internal:
        verdict = eligibility(person, cohort.programme)
        if not verdict.is_eligible:
            raise NotEligible(verdict.reasons)
    seats.check_internal(cohort, person.organisation_id)
    seats.lock_people(person)
    now = now or timezone.now()
    seats.check_open(cohort, now)
    today = timezone.localdate(now)
    places = seats.places(cohort, person, today=today)
    if places.registered_here:
        raise AlreadyRegistered(_("You are already registered."))
    if places.in_other_cohort:
        seats.check_one_cohort_per_programme(
            cohort, person, today=today, own=actor is None or actor == person
        )
    if cohort.max_seats_per_organisation is not None:
        seats.check_organisation_limit(cohort, person.organisation)

    registration = Registration(cohort=cohort, person=person, booked_by=actor)
    registration.waitlist_position = None
    if seats.seats_left(cohort) > 0:
        return seats.give_seat(
            registration,
            cohort,
            actor=actor or person,
            now=now,
            action=Action.REGISTERED,
        )
    if not cohort.waitlist_enabled:
        raise CohortFull(_("The cohort is fully booked."))
    registration.status = Status.WAITLISTED
    registration.save()
    # Everyone waiting came before: they were written under this lock.
    registration.waitlist_position = places.waiting + 1
    seats.log(registration, Action.WAITLISTED, actor or person)
    emails.receipt_after_commit(registration, cohort)
    return registration


@seat_service
def promote_next(cohort: Cohort, *, actor: Person | None = None) -> list[Registration]:
    """Fill the cohort's free seats from its waitlist; returns who moved up."""
    (cohort,) = seats.lock_cohorts(cohort)
    return seats.fill(cohort, actor=actor, now=timezone.now())


@seat_service
def cancel(registration: Registration, *, actor: Person | None = None) -> Registration:
    """Cancel a place; a freed seat goes at once to the waitlist. The person
    (no `actor`, or the person as actor) may not cancel a seat in a cohort
    that has started: CancelRefused (own_cancel_refusal)."""
    (cohort,) = seats.lock_cohorts(registration.cohort)
    registration.refresh_from_db()
    if registration.status == Status.CANCELLED:
        raise RegistrationError(_("The registration is already cancelled."))
    now = timezone.now()
    if actor is None or actor.pk == registration.person_id:
        refusal = own_cancel_refusal(registration, timezone.localdate(now))
        if refusal:
            raise seats.CancelRefused(refusal)
    seats.end(
        registration,
        EndReason.CANCELLED,
        actor=actor or registration.person,
        now=now,
        action=Action.CANCELLED,
    )
    seats.fill(cohort, actor=actor, now=now)
    return registration


@seat_service
def move(
    registration: Registration, to_cohort: Cohort, *, actor: Person | None
) -> Registration:
    """Move a person to another cohort of the same programme, keeping the rules:
    only to a cohort that has not ended and is offered to the person (not
    another organisation's internal cohort), never leaving the person with a
    place in two cohorts of the programme; a seat in the target only if one is
    free (else the waitlist, when the person was waiting), and the seat left
    behind goes to the source's waitlist."""
    source, target = seats.lock_cohorts(registration.cohort, to_cohort)
    seats.lock_people(registration.person)
    registration.refresh_from_db()
    today = timezone.localdate()
    if registration.status == Status.CANCELLED:
        raise RegistrationError(_("A cancelled registration cannot be moved."))
    if source.pk == target.pk:
        raise RegistrationError(_("The person is already in this cohort."))
    if source.programme_id != target.programme_id:
        raise RegistrationError(_("People can only be moved within one programme."))
    if target.has_ended(today):
        raise RegistrationError(
            _(
                "%(cohort)s has ended; people can only be moved to a cohort "
                "that has not."
            )
            % {"cohort": target.name}
        )
    if target.registrations.active().filter(person=registration.person_id).exists():
        raise AlreadyRegistered(_("The person is already registered for that cohort."))
    person = registration.person
    seats.check_internal(target, person.organisation)
    seats.check_one_cohort_per_programme(
        target, person, today=today, leaving=registration
    )
    seats.check_organisation_limit(target, person.organisation)
    has_seat = seats.seats_left(target) > 0
    if not has_seat and not (
        registration.status == Status.WAITLISTED and target.waitlist_enabled
    ):
        raise CohortFull(_("The cohort you are moving to is fully booked."))

    now = timezone.now()
    seats.end(
        registration, EndReason.MOVED, actor=actor, now=now, action=Action.MOVED_OUT
    )
    moved = Registration(
        cohort=target,
        person=registration.person,
        booked_by=registration.booked_by,
        approved_at=registration.approved_at,
        approved_by=registration.approved_by,
    )
    if has_seat:
        seats.give_seat(moved, target, actor=actor, now=now, action=Action.MOVED_IN)
    else:
        moved.status = Status.WAITLISTED
        moved.save()
        seats.log(moved, Action.MOVED_IN, actor, note=str(source))
    seats.fill(source, actor=actor, now=now)
    return moved


@seat_service
def change_capacity(cohort: Cohort, capacity: int, *, actor: Person | None) -> Cohort:
    """Set a cohort's number of seats; more seats go to the waitlist at once."""
    (cohort,) = seats.lock_cohorts(cohort)
    taken = cohort.capacity - seats.seats_left(cohort)
    if capacity < max(taken, 1):
        raise RegistrationError(
            _("%(taken)s seats of the cohort are taken; it cannot have fewer.")
            % {"taken": taken}
        )
    cohort.capacity = capacity
    cohort.save(update_fields=["capacity"])
    seats.fill(cohort, actor=actor, now=timezone.now())
    return cohort


@seat_service
def update_cohort(cohort: Cohort, *, actor: Person | None, **fields: Any) -> Cohort:
    """Change a cohort and its seats in one transaction under the cohort's
    lock: its own fields through programmes.services.update_cohort, then a new
    capacity through change_capacity (which reads the row again under the lock
    already held), so extra seats go to the waitlist at once and seats already
    given are never taken. Every edit of a cohort that may touch its seats
    comes here: the organiser's page, the admin, events. Raises
    ValidationError or RegistrationError; `cohort` is updated in place."""
    capacity = fields.pop("capacity", None)
    (locked,) = seats.lock_cohorts(cohort)
    if (
        "naming_deadline" in fields
        and fields["naming_deadline"] is None
        and locked.reservations.filter(
            released_at__isnull=True, unnamed_seats__gt=0
        ).exists()
    ):
        raise ValidationError(
            {
                "naming_deadline": _(
                    "Seats are reserved and not yet named; keep a deadline so "
                    "that they return to the pool in time."
                )
            }
        )
    programme_services.update_cohort(cohort, actor=actor, **fields)
    if capacity is not None and capacity != cohort.capacity:
        return change_capacity(cohort, capacity, actor=actor)
    return cohort


def request_exception(
    person: Person, programme: Programme, motivation: str
) -> ExceptionRequest:
    """Ask the organiser to let a person outside the target group take part."""
    motivation = motivation.strip()
    if not motivation:
        raise RegistrationError(
            _("Please tell the organiser why you want to take part.")
        )
    if programme.exception_requests.filter(
        person=person,
        status__in=[ExceptionRequest.Status.PENDING, ExceptionRequest.Status.GRANTED],
    ).exists():
        raise RegistrationError(_("You have already asked for an exception."))
    return programme.exception_requests.create(person=person, motivation=motivation)


@transaction.atomic
def decide_exception(
    request: ExceptionRequest, *, grant: bool, actor: Person | None, note: str = ""
) -> ExceptionRequest:
    """The organiser grants or refuses an exception; the applicant is told."""
    request = ExceptionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExceptionRequest.Status.PENDING:
        raise RegistrationError(_("This request has already been decided."))
    request.status = (
        ExceptionRequest.Status.GRANTED if grant else ExceptionRequest.Status.REFUSED
    )
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    emails.send_exception_decision(request.pk)
    return request
