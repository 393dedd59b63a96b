"""Network meetings as iCalendar events, built with the helpers of
tillit.programmes.calendar: one .ics per network, and the meetings of a
person's networks in their personal subscription feed (registered in apps.py).

Each meeting's UID (`network-meeting-<pk>@<host>`) never changes and its
SEQUENCE goes up on every change, so calendar clients update the event.
"""

import datetime as dt

import icalendar
from django.urls import reverse
from django.utils import timezone

from tillit.programmes import calendar

from . import selectors

#: How far back the personal feed reaches for past meetings.
FEED_HISTORY = dt.timedelta(days=180)


def meeting_event(meeting):
    network = meeting.network
    zone = calendar.zone_for(network.owner)
    page = calendar.site_url() + reverse(
        "networks:network-meetings", kwargs={"slug": network.slug}
    )
    lines = [network.name]
    if meeting.online_url:
        lines.append(meeting.online_url)
    if meeting.description:
        lines += ["", meeting.description]
    lines += ["", page]
    return icalendar.Event.new(
        uid=f"network-meeting-{meeting.pk}@{calendar.site_host()}",
        sequence=meeting.sequence,
        summary=f"{meeting.title} – {network.name}",
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone),
        stamp=timezone.now().astimezone(dt.UTC),
        location=meeting.place or meeting.online_url or None,
        url=meeting.online_url or page,
        description="\n".join(lines),
        status="CONFIRMED",
    )


def network_calendar(network, meetings):
    """The .ics file of one network's meetings, as bytes."""
    return calendar.events_calendar(
        network.name,
        uid=f"network-{network.pk}@{calendar.site_host()}",
        events=[meeting_event(meeting) for meeting in meetings],
    )


def person_feed_events(person):
    """Meetings of the person's networks, for the personal feed."""
    since = timezone.now() - FEED_HISTORY
    meetings = selectors.meetings_for_person(person, since=since).select_related(
        "network__owner"
    )
    return [meeting_event(meeting) for meeting in meetings]
