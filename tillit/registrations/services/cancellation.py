"""Cancelling a whole cohort (issue 14), which releases its seats: the
organiser's cancellation of one session, and the rules of when either may
be cancelled, are programmes.self_service's; this is the part that keeps the
seat rules, so it sits with them.
"""

from django.db import transaction
from django.utils import timezone

from tillit.core.models import Person
from tillit.programmes import self_service
from tillit.programmes.models import Cohort
from tillit.programmes.self_service import CancellationImpact, SelfServiceError

from ..models import Registration
from .participants import cancel
from .seats import lock_cohorts


def cohort_cancellation_impact(cohort: Cohort) -> CancellationImpact:
    """What cancelling the cohort will do, for the confirmation page."""
    registrations = cohort.registrations.active()
    waiting = registrations.filter(status=Registration.Status.WAITLISTED).count()
    seats = registrations.holding_seats().count()
    return CancellationImpact(
        people_told=seats + waiting, seats_released=seats, waitlist_released=waiting
    )


def cancel_cohort(cohort: Cohort, *, actor: Person) -> CancellationImpact:
    """Cancel a cohort and all its sessions. Everyone confirmed or waiting is
    mailed first (the mail names the cohort), then each place is cancelled
    through registrations.services.cancel, waitlist first, so no one is
    promoted into a cancelled cohort. Returns the CancellationImpact done."""
    with transaction.atomic():
        (cohort,) = lock_cohorts(cohort)
        refusal = self_service.cancellation_refusal(cohort)
        if refusal is not None:
            raise SelfServiceError(refusal)
        impact = cohort_cancellation_impact(cohort)
        now = timezone.now()
        cohort.cancelled_at = now
        cohort.save(update_fields=["cancelled_at"])
        for session in cohort.sessions.filter(cancelled_at__isnull=True):
            session.cancelled_at = now
            session.sequence += 1
            session.modified_at = now
            session.save(update_fields=["cancelled_at", "sequence", "modified_at"])
        registrations = list(
            self_service.people_to_tell(cohort).order_by("-status", "pk")
        )
        self_service.tell_cancellation(
            registrations,
            cohort=cohort,
            session=None,
            key=f"cohort-cancelled:{cohort.pk}",
        )
        waiting_first = sorted(
            registrations, key=lambda r: r.status != Registration.Status.WAITLISTED
        )
        for registration in waiting_first:
            cancel(registration, actor=actor)
    return impact
