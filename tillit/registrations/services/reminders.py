"""Reminders of a cohort's sessions to its confirmed participants (the seats
are this app's; the outbox and the mail's wording are tillit.notifications')."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tillit.notifications.models import Notification
from tillit.notifications.services import notify
from tillit.programmes import calendar
from tillit.programmes.models import Session

from ..models import Registration

Kind = Notification.Kind


def send_session_reminders(now: datetime | None = None) -> int:
    """Remind each confirmed participant of every session that starts within the
    next TILLIT_REMINDER_DAYS days, once per session, person and version of the
    session's time and place (a moved session is reminded of again). Returns how
    many reminders were recorded."""
    now = now or timezone.now()
    days = getattr(settings, "TILLIT_REMINDER_DAYS", 2)
    # Events remind of themselves (tillit.events: EVENT_REMINDER).
    sessions = (
        Session.objects.filter(
            starts_at__gt=now, starts_at__lte=now + timedelta(days=days)
        )
        .exclude(cohort__programme__kind="event_series")
        .select_related("cohort__programme__organiser")
    )
    recorded = 0
    for session in sessions:
        zone = calendar.zone_for(session.cohort.programme.organiser).key
        participants = Registration.objects.filter(
            cohort_id=session.cohort_id, status=Registration.Status.CONFIRMED
        ).select_related("person")
        for registration in participants:
            person = registration.person
            notification = notify(
                person,
                kind=Kind.SESSION_REMINDER,
                key=f"session-reminder:{session.pk}:{person.pk}:{session.sequence}",
                template="notifications/email/session_reminder",
                objects={"session": session, "cohort": session.cohort},
                context={"time_zone": zone},
            )
            recorded += notification is not None
    return recorded
