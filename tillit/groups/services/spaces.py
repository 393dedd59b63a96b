"""A group's own page: its agreed ways of working and themes (each version
keeps who wrote it and when), its meeting dates and its short meeting log.
Callers have checked that the actor is a member or a facilitator."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.models import Person

from ..models import Agreement, GroupMeeting, LogEntry, PeerGroup
from .errors import GroupsError


def write_agreement(
    group: PeerGroup, *, actor: Person, ways_of_working: str, themes: str
) -> Agreement:
    """A new version of the group's agreement; earlier versions are kept."""
    return Agreement.objects.create(
        group=group,
        ways_of_working=ways_of_working.strip(),
        themes=themes.strip(),
        written_by=actor,
    )


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise GroupsError(_("The meeting must end after it starts."))


def plan_meeting(
    group: PeerGroup,
    *,
    actor: Person,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    note: str = "",
) -> GroupMeeting:
    _check_times(starts_at, ends_at)
    return GroupMeeting.objects.create(
        group=group,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        note=note.strip(),
        created_by=actor,
    )


def update_meeting(
    meeting: GroupMeeting,
    *,
    actor: Person,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    note: str = "",
) -> GroupMeeting:
    _check_times(starts_at, ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.note = place.strip(), note.strip()
    meeting.save(update_fields=["starts_at", "ends_at", "place", "note"])
    return meeting


def log_meeting(
    group: PeerGroup, *, actor: Person, held_on: dt.date, text: str
) -> LogEntry:
    """A few lines about a meeting held on `held_on` (not in the future)."""
    if held_on > timezone.localdate():
        raise GroupsError(_("Log a meeting after it has been held."))
    text = text.strip()
    if not text:
        raise GroupsError(_("Write a few lines about the meeting."))
    return LogEntry.objects.create(
        group=group, held_on=held_on, text=text, written_by=actor
    )
