"""A group's own page: its agreed ways of working and themes (each version
keeps who wrote it and when), its meeting dates and its short meeting log.
Callers have checked that the actor is a member or a facilitator."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Agreement, GroupMeeting, LogEntry
from .errors import GroupsError


def write_agreement(group, *, actor, ways_of_working, themes):
    """A new version of the group's agreement; earlier versions are kept."""
    return Agreement.objects.create(
        group=group,
        ways_of_working=ways_of_working.strip(),
        themes=themes.strip(),
        written_by=actor,
    )


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise GroupsError(_("The meeting must end after it starts."))


def plan_meeting(group, *, actor, starts_at, ends_at, place="", note=""):
    _check_times(starts_at, ends_at)
    return GroupMeeting.objects.create(
        group=group,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        note=note.strip(),
        created_by=actor,
    )


def update_meeting(meeting, *, actor, starts_at, ends_at, place="", note=""):
    _check_times(starts_at, ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.note = place.strip(), note.strip()
    meeting.save(update_fields=["starts_at", "ends_at", "place", "note"])
    return meeting


def log_meeting(group, *, actor, held_on, text):
    """A few lines about a meeting held on `held_on` (not in the future)."""
    if held_on > timezone.localdate():
        raise GroupsError(_("Log a meeting after it has been held."))
    text = text.strip()
    if not text:
        raise GroupsError(_("Write a few lines about the meeting."))
    return LogEntry.objects.create(
        group=group, held_on=held_on, text=text, written_by=actor
    )
