"""Approving held seats, answering offers, and letting holds lapse on time."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.models import Person
from tillit.programmes.selectors import programmes_for_organiser

from .. import emails
from ..models import Registration, Reservation
from . import seats
from .seats import (
    Action,
    EndReason,
    NotAllowed,
    RegistrationError,
    Status,
    seat_service,
)


def can_approve(person: Person, registration: Registration) -> bool:
    """The named approver, any employer contact of the participant's
    organisation when no one is named, and the programme's organisers; never the
    participant themselves."""
    if not person.is_authenticated or person.pk == registration.person_id:
        return False
    if registration.approver_id:
        if registration.approver_id == person.pk:
            return True
    elif seats.is_employer_contact(person, registration.person.organisation):
        return True
    return (
        programmes_for_organiser(person)
        .filter(pk=registration.cohort.programme_id)
        .exists()
    )


@seat_service
def decide_approval(
    registration: Registration, *, approve: bool, actor: Person, note: str = ""
) -> Registration:
    """Approve a held seat (it is confirmed) or refuse it (it goes to the
    waitlist's first entry that fits)."""
    if not can_approve(actor, registration):
        raise NotAllowed(_("You cannot approve this registration."))
    (cohort,) = seats.lock_cohorts(registration.cohort)
    registration.refresh_from_db()
    if registration.status != Status.HELD:
        raise RegistrationError(
            _("This registration is no longer waiting for approval.")
        )
    now = timezone.now()
    expires_at = registration.expires_at  # always set while a seat is held
    if approve and expires_at is not None and expires_at <= now:
        raise RegistrationError(
            _("The time to approve this seat has run out; it goes to the waitlist.")
        )
    if approve:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.expires_at = None
        registration.approved_by = actor
        registration.approved_at = now
        registration.save()
        seats.log(registration, Action.APPROVED, actor, note=note)
    else:
        seats.end(
            registration, EndReason.REFUSED, actor=actor, now=now, action=Action.REFUSED
        )
        seats.fill(cohort, actor=actor, now=now)
    emails.send_approval_decision(registration.pk)
    return registration


def _check_offer(registration: Registration, actor: Person) -> None:
    person = registration.person
    if actor.pk not in (person.pk, registration.booked_by_id) and not (
        seats.is_employer_contact(actor, person.organisation)
    ):
        raise NotAllowed(_("Only the person offered the seat may answer."))


@seat_service
def accept_offer(registration: Registration, *, actor: Person) -> Registration:
    """Take an offered seat before the offer expires."""
    _check_offer(registration, actor)
    (cohort,) = seats.lock_cohorts(registration.cohort)
    registration.refresh_from_db()
    now = timezone.now()
    expires_at = registration.expires_at  # always set while a seat is offered
    if registration.status != Status.OFFERED or (
        expires_at is not None and expires_at <= now
    ):
        raise RegistrationError(_("This offer is no longer open."))
    return seats.give_seat(
        registration, cohort, actor=actor, now=now, action=Action.ACCEPTED
    )


@seat_service
def decline_offer(registration: Registration, *, actor: Person) -> Registration:
    """Say no to an offered seat; it passes to the next person waiting."""
    _check_offer(registration, actor)
    (cohort,) = seats.lock_cohorts(registration.cohort)
    registration.refresh_from_db()
    if registration.status != Status.OFFERED:
        raise RegistrationError(_("This offer is no longer open."))
    now = timezone.now()
    seats.end(
        registration, EndReason.DECLINED, actor=actor, now=now, action=Action.DECLINED
    )
    seats.fill(cohort, actor=actor, now=now)
    return registration


def expire_due(now: dt.datetime | None = None) -> int:
    """Let lapse what is due: held seats without approval, offers not accepted,
    and reserved seats still unnamed at the naming deadline; each freed seat goes
    to the waitlist. Run by the worker (manage.py runworker) every minute, so it
    happens on time whether or not anyone visits the site. Returns the number of
    cohorts handled."""
    now = now or timezone.now()
    cohort_ids = set(
        Registration.objects.filter(
            status__in=[Status.HELD, Status.OFFERED], expires_at__lte=now
        ).values_list("cohort_id", flat=True)
    ) | set(
        Reservation.objects.filter(
            released_at__isnull=True,
            unnamed_seats__gt=0,
            cohort__naming_deadline__lte=now,
        ).values_list("cohort_id", flat=True)
    )
    handled = 0
    for cohort_id in sorted(cohort_ids):
        try:
            _expire_cohort(cohort_id, now)
        except seats.TryAgain:
            continue  # busy right now; the next round takes it
        handled += 1
    return handled


@seat_service
def _expire_cohort(cohort_id: int, now: dt.datetime) -> None:
    from tillit.programmes.models import Cohort

    (cohort,) = seats.lock_cohorts(Cohort(pk=cohort_id))
    due = cohort.registrations.filter(
        status__in=[Status.HELD, Status.OFFERED], expires_at__lte=now
    )
    for registration in due:
        held = registration.status == Status.HELD
        seats.end(
            registration,
            EndReason.LAPSED if held else EndReason.EXPIRED,
            actor=None,
            now=now,
            action=Action.LAPSED if held else Action.EXPIRED,
        )
        emails.send_lapsed(registration.pk)
    if cohort.naming_deadline and cohort.naming_deadline <= now:
        cohort.reservations.filter(released_at__isnull=True).update(
            unnamed_seats=0, released_at=now
        )
    seats.fill(cohort, actor=None, now=now)
