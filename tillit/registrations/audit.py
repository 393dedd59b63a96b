"""What registrations records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import (
    Booking,
    CohortMessage,
    ExceptionRequest,
    Registration,
    RegistrationEvent,
    Reservation,
)


def _cohort_scope(row):
    return (row.cohort.programme_id, row.cohort_id)


auditing.exclude(
    Registration,
    "Covered by RegistrationEvent, written by every registration service with "
    "its actor; the programme trail shows those events. A second write on the "
    "registration path would cost queries where seats are raced for.",
)
auditing.exclude(
    RegistrationEvent,
    "It is a trail itself (append-only, with actor and time).",
)
auditing.track(Booking, scope=_cohort_scope)
auditing.track(Reservation, scope=_cohort_scope)
auditing.track(ExceptionRequest, scope=lambda request: (request.programme_id, None))
auditing.track(CohortMessage, scope=_cohort_scope)
