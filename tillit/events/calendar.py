"""An event as iCalendar (.ics), built with the programmes' calendar helpers.

The VEVENT is the event's session as `programmes.calendar.session_event` makes
it (UID `session-<pk>@<host>`, SEQUENCE, TZID of the organiser's country), so the
file and the personal calendar feed describe the same calendar entry; only the
summary, description and address are the event's own.
"""

import datetime as dt

import icalendar
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tillit.programmes import calendar

ICS = "text/calendar; charset=utf-8"


def event_calendar(event):
    """The .ics file of one event, as bytes."""
    cal = icalendar.Calendar.new(
        name=event.title,
        prodid=calendar.PRODID,
        uid=f"event-{event.pk}@{calendar.site_host()}",
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    cal.add_component(event_entry(event))
    day = event.starts_at.date()
    cal.add_missing_timezones(
        first_date=day - dt.timedelta(days=366),
        last_date=day + dt.timedelta(days=366),
    )
    return cal.to_ical()


def event_entry(event):
    entry = calendar.session_event(event.session)
    url = calendar.site_url() + event.get_absolute_url()
    for name, value in (
        ("SUMMARY", event.title),
        ("URL", event.stream_link or url),
        ("DESCRIPTION", _description(event, url)),
    ):
        entry.pop(name, None)
        entry.add(name, value)
    return entry


def _description(event, url):
    lines = [f"{_('Organiser')}: {event.organiser.name}"]
    if event.theme:
        lines.append(f"{_('Theme')}: {event.theme}")
    lines.append(f"{_('Format')}: {event.get_format_display()}")
    if event.stream_link:
        lines.append(f"{_('Stream link')}: {event.stream_link}")
    talks = list(event.talks.all())
    if talks:
        lines += ["", f"{pgettext('schedule of talks', 'Programme')}:"]
        for talk in talks:
            speaker = f" ({talk.speaker})" if talk.speaker else ""
            starts = formats.time_format(talk.starts_at, "TIME_FORMAT")
            lines.append(f"{starts} {talk.title}{speaker}")
    lines += ["", url]
    return "\n".join(lines)
