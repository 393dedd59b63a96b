"""Sessions as iCalendar (.ics): a file per cohort and a person's subscription feed.

Each session is one VEVENT whose UID (`session-<pk>@<host>`) never changes and
whose SEQUENCE is `Session.sequence`, so when a session moves, calendar clients
update the event they have instead of adding a second one. Times carry the TZID
of the organiser's zone (Organisation.time_zone, e.g. Europe/Helsinki)
with a matching VTIMEZONE, so they stay right across daylight-saving changes.
"""

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.core import timezones

from .models import Session

PRODID = "-//Tillit//Sessions//SV"
#: How often subscribed calendars should fetch the feed again.
REFRESH = dt.timedelta(hours=1)


def zone_for(organisation):
    """The time zone of sessions an organisation runs (Organisation.time_zone)."""
    return timezones.zone_of(organisation)


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "tillit.example.org"


def site_url():
    return settings.SITE_URL.rstrip("/")


def sessions_for_ics():
    related = ["cohort__programme__organiser"]
    if _has_relation(Session, "preparation"):
        related.append("preparation")
    return Session.objects.select_related(*related).prefetch_related("teachers")


def _has_relation(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def cohort_sessions(cohort):
    return sessions_for_ics().filter(cohort=cohort)


def cohort_calendar(cohort, sessions):
    """The .ics file of one cohort, as bytes."""
    name = f"{cohort.programme.title}, {cohort.name}"
    calendar = _calendar(name, uid=f"cohort-{cohort.pk}@{site_host()}")
    return _serialise(calendar, sessions)


#: Sessions read from the database at a time while streaming a calendar.
CHUNK = 200
END = b"END:VCALENDAR\r\n"


def stream_cohort_calendar(cohort, sessions):
    """cohort_calendar() as an iterator of bytes, a VEVENT at a time, for a
    StreamingHttpResponse: the sessions are read CHUNK at a time, so the file of
    a cohort with hundreds of sessions is never built in memory. All of a
    cohort's sessions carry its organiser's zone, so the first session's
    VTIMEZONE (for the years the sessions span) serves them all."""
    name = f"{cohort.programme.title}, {cohort.name}"
    calendar = _calendar(name, uid=f"cohort-{cohort.pk}@{site_host()}")
    events = (session_event(s) for s in sessions.iterator(chunk_size=CHUNK))
    first = next(events, None)
    if first is None:
        yield calendar.to_ical()
        return
    span = sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    calendar.add_component(first)
    calendar.add_missing_timezones(
        first_date=span["first"].date() - dt.timedelta(days=366),
        last_date=span["last"].date() + dt.timedelta(days=366),
    )
    head = calendar.to_ical()
    yield head[: -len(END)]
    for event in events:
        yield event.to_ical()
    yield END


#: Callables `source(person) -> iterable of icalendar.Event` that other apps
#: (networks, events) register from AppConfig.ready() with
#: `add_person_feed_source`, so their events join the personal feed without
#: this module knowing them.
PERSON_FEED_SOURCES: list = []


def add_person_feed_source(source):
    if source not in PERSON_FEED_SOURCES:
        PERSON_FEED_SOURCES.append(source)
    return source


def person_calendar(person, sessions):
    """The person's subscription feed, as bytes, in their language: their
    sessions and the events of every registered feed source."""
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        name = _("My sessions in Tillit")
        calendar = _calendar(name, uid=f"person-{person.pk}@{site_host()}")
        calendar.refresh_interval = REFRESH
        calendar["X-PUBLISHED-TTL"] = "PT1H"
        extra = [event for source in PERSON_FEED_SOURCES for event in source(person)]
        return _serialise(calendar, sessions, extra)


def events_calendar(name, *, uid, events):
    """An .ics file of ready-made VEVENTs (e.g. a network's meetings), as bytes."""
    return _serialise(_calendar(name, uid=uid), [], events)


def _calendar(name, *, uid):
    return icalendar.Calendar.new(
        name=name, prodid=PRODID, uid=uid, method="PUBLISH", calscale="GREGORIAN"
    )


def _serialise(calendar, sessions, extra=()):
    events = [session_event(session) for session in sessions] + list(extra)
    for event in events:
        calendar.add_component(event)
    if events:
        # VTIMEZONE rules only for the years the events span keep the file small.
        first = min(e.start for e in events).date() - dt.timedelta(days=366)
        last = max(e.end for e in events).date() + dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def session_event(session):
    cohort = session.cohort
    programme = cohort.programme
    zone = zone_for(programme.organiser)
    cohort_url = site_url() + cohort.get_absolute_url()
    event = icalendar.Event.new(
        uid=f"session-{session.pk}@{site_host()}",
        sequence=session.sequence,
        summary=f"{session.title} – {programme.title}",
        start=session.starts_at.astimezone(zone),
        end=session.ends_at.astimezone(zone),
        stamp=timezone.now().astimezone(dt.UTC),
        last_modified=session.modified_at.astimezone(dt.UTC),
        location=_location(session),
        url=session.link or cohort_url,
        description=_description(session, cohort_url),
        status="CANCELLED" if is_cancelled(session) else "CONFIRMED",
    )
    return event


def is_cancelled(session):
    return session.cancelled_at is not None or session.cohort.cancelled_at is not None


def _location(session):
    if session.location:
        return session.location
    if session.mode == Session.Mode.ONLINE:
        return session.link or _("Online")
    return session.cohort.location or None


def _description(session, cohort_url):
    cohort = session.cohort
    lines = [
        f"{cohort.programme.title}, {cohort.name}",
        f"{_('Organiser')}: {cohort.programme.organiser.name}",
        f"{_('Mode')}: {session.get_mode_display()}",
    ]
    teachers = ", ".join(t.get_full_name() for t in session.teachers.all())
    if teachers:
        lines.append(f"{_('Teachers')}: {teachers}")
    if session.link:
        lines.append(f"{_('Link to the session')}: {session.link}")
    text = preparation_text(session)
    if text:
        lines += ["", f"{_('Before the session')}:", text]
    lines += ["", cohort_url]
    return "\n".join(lines)


def preparation_text(session):
    """What to prepare, from the learning app's `session.preparation`; "" when
    the session has none (or that app has not added the relation)."""
    try:
        preparation = session.preparation
    except (ObjectDoesNotExist, AttributeError):
        return ""
    return (getattr(preparation, "text", "") or "").strip()
