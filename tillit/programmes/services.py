"""Everything that writes programmes, cohorts and sessions.

Callers check that the actor organises the programme (selectors.*_for_organiser);
these services validate the data. The seats are the registrations': a cohort
edit that may change them (its capacity) is registrations.services.update_cohort,
which calls update_cohort here under the seat lock.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tillit.core.content_languages import localized_names
from tillit.core.models import Person

from .models import Cohort, Programme, Session

COHORT_FIELDS = {
    "name",
    "starts_on",
    "ends_on",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "location",
    "online_link",
    "waitlist_enabled",
    "waitlist_rule",
    "offer_hours",
    "approval_hold_hours",
    "naming_deadline",
    "max_seats_per_organisation",
}
#: Set when a cohort is made; changed only with its seats, under the seat lock
#: (registrations.services.update_cohort).
SEAT_FIELDS = {"capacity"}
SESSION_FIELDS = {"title", "starts_at", "ends_at", "mode", "location", "link"}
# Each text also per content language (name_sv, name_fi, name_en).
COHORT_FIELDS |= localized_names(("name", "location"))
SESSION_FIELDS |= localized_names(("title", "location"))


def _unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def set_approval(
    programme: Programme, *, actor: Person | None, approval: str
) -> Programme:
    """Choose who approves a seat before it is confirmed; new registrations
    follow the new setting, seats already held keep their approver."""
    programme.approval = Programme.Approval(approval)
    programme.save(update_fields=["approval"])
    return programme


@transaction.atomic
def create_cohort(
    programme: Programme, *, actor: Person | None, **fields: Any
) -> Cohort:
    """A new cohort of the programme; raises ValidationError on bad data."""
    _unknown(fields, COHORT_FIELDS)
    cohort = Cohort(programme=programme, **fields)
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def update_cohort(cohort: Cohort, *, actor: Person | None, **fields: Any) -> Cohort:
    """Change a cohort's own fields; raises ValidationError on bad data.

    Its seats are the registrations' (a new capacity fills the waitlist under
    the seat lock, a naming deadline guards reserved seats), so an edit that
    may touch them goes through registrations.services.update_cohort, which
    calls this under the lock."""
    _unknown(fields, COHORT_FIELDS - SEAT_FIELDS)
    cohort.refresh_from_db()
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.full_clean(exclude=["capacity"])
    cohort.save(update_fields=list(fields) or None)
    return cohort


@transaction.atomic
def add_session(
    cohort: Cohort,
    *,
    actor: Person | None,
    teachers: Iterable[Person] = (),
    **fields: Any,
) -> Session:
    _unknown(fields, SESSION_FIELDS)
    session = Session(cohort=cohort, **fields)
    session.full_clean()
    session.save()
    session.teachers.set(teachers)
    return session


@transaction.atomic
def note_session_change(session: Session, changed_fields: Iterable[str]) -> None:
    """Before saving a changed session: when its time, mode or place changed,
    its `sequence` grows (calendars update the event, participants get a fresh
    reminder). Every path that edits a session calls this, the admin included."""
    if session.pk and any(name in Session.MOVING_FIELDS for name in changed_fields):
        session.sequence += 1
    session.modified_at = timezone.now()


def update_session(
    session: Session,
    *,
    actor: Person | None,
    teachers: Iterable[Person] | None = None,
    **fields: Any,
) -> Session:
    """Change a session. When its time, mode or place changes its `sequence`
    grows, so calendar clients update the event and a fresh reminder is sent."""
    _unknown(fields, SESSION_FIELDS)
    changed = [
        name for name, value in fields.items() if getattr(session, name) != value
    ]
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    note_session_change(session, changed)
    session.save()
    if teachers is not None:
        session.teachers.set(teachers)
    return session
