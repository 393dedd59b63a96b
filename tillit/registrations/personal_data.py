"""Registrations in the register of personal data. Erasure cancels the
person's places in cohorts that have not started, through cancel(), so the
waitlist moves up; the places of started or past cohorts are records."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    ARCHIVE_REASON,
    ARCHIVED,
    AS_RECORD,
    WHO_DID_IT,
    Erasure,
    declare,
    public_organiser,
)

from .models import (
    Booking,
    CohortMessage,
    ExceptionRequest,
    Registration,
    RegistrationEvent,
    Reservation,
)


def cancel_upcoming(person, *, actor, dry_run):
    """Cancel the person's places in cohorts that have not started."""
    from . import services

    upcoming = Registration.objects.active().filter(
        person=person, cohort__starts_on__gt=timezone.localdate()
    )
    if dry_run:
        return upcoming.count()
    cancelled = 0
    for registration in upcoming.order_by("pk"):
        services.cancel(registration, actor=actor)
        cancelled += 1
    return cancelled


declare(
    Registration,
    purpose=_("Your places in rounds and on waitlists, and who booked them."),
    retention=ARCHIVED,
    erasure=Erasure.ANONYMISE,
    archived=public_organiser("cohort__programme__organiser"),
    keep_reason=ARCHIVE_REASON,
    on_erase=cancel_upcoming,
    on_erase_label=_("Upcoming places (the waitlist moves up)"),
)
declare(
    RegistrationEvent,
    owners=("registration__person",),
    purpose=_("The history of your places: registered, confirmed, cancelled."),
    retention=ARCHIVED,
    erasure=Erasure.ANONYMISE,
    archived=public_organiser("registration__cohort__programme__organiser"),
    keep_reason=ARCHIVE_REASON,
)
declare(
    ExceptionRequest,
    purpose=_("Your requests for an exception to a programme's target group."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
    clear={"motivation": ""},
)
for model in (Booking, Reservation):
    declare(
        model,
        owners=("booked_by",),
        purpose=WHO_DID_IT,
        retention=AS_RECORD,
        erasure=Erasure.KEEP,
        keep_reason=WHO_DID_IT,
    )
declare(
    CohortMessage,
    owners=("sender",),
    purpose=_("Messages you sent to a round's participants."),
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
