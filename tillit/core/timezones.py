"""Time zones: whose clock a time is read and shown in.

A time an organiser enters (a session, an event, a network meeting) is read in
the organiser organisation's zone (`Organisation.time_zone`) and shown with that
zone's name; a viewer whose own zone differs sees their local time beside it.
Each request runs in the viewer's zone (`TimeZoneMiddleware`): the zone of the
organisation they organise for, else of the organisation they work in, else the
site's (settings.TIME_ZONE).
"""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

#: Zones an organisation may choose, with the name a reader sees.
ZONE_NAMES = {
    "Europe/Stockholm": _("Swedish time"),
    "Europe/Helsinki": _("Finnish time"),
    "Europe/Mariehamn": _("Åland time"),
    "Europe/Oslo": _("Norwegian time"),
    "Europe/Copenhagen": _("Danish time"),
    "Europe/Tallinn": _("Estonian time"),
    "UTC": _("Coordinated Universal Time (UTC)"),
}
ZONE_CHOICES = list(ZONE_NAMES.items())
DEFAULT_ZONE = "Europe/Stockholm"
#: Where a signed-in person's own zone is kept for the length of their session.
SESSION_KEY = "tillit_time_zone"


def zone(key: str | None) -> zoneinfo.ZoneInfo:
    """The ZoneInfo of a key; the site's zone when the key is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(key or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_of(organisation) -> zoneinfo.ZoneInfo:
    """The zone in which an organisation's times are entered and shown."""
    return zone(getattr(organisation, "time_zone", None))


def zone_name(zone_info: dt.tzinfo) -> str:
    """A zone's name in the active language ("Finnish time"); the key otherwise."""
    key = getattr(zone_info, "key", str(zone_info))
    return str(ZONE_NAMES.get(key, key))


def zone_for_person(person) -> zoneinfo.ZoneInfo:
    """A person's own zone: the organisation they organise for, else the one they
    work in, else the site's."""
    if person is None or not getattr(person, "is_authenticated", False):
        return zone(None)
    organised = person.organiser_for.only("time_zone").first()
    if organised is not None:
        return zone_of(organised)
    if person.organisation_id:
        return zone_of(person.organisation)
    return zone(None)


def same_clock(first: dt.tzinfo, second: dt.tzinfo, moment: dt.datetime) -> bool:
    """Whether two zones show the same wall-clock time at a moment."""
    return moment.astimezone(first).utcoffset() == moment.astimezone(second).utcoffset()


def viewer_zone() -> dt.tzinfo:
    return timezone.get_current_timezone()


def remember_zone(sender, request, user, **kwargs):
    """On sign-in (signal user_logged_in): keep the person's zone in the session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = zone_for_person(user).key


def activate_for(organisation) -> zoneinfo.ZoneInfo:
    """Read and show the rest of this request's times in an organisation's zone
    (an organiser's form: what they type is their own clock). The middleware's
    override restores the reader's zone when the request ends."""
    zone_info = zone_of(organisation)
    timezone.activate(zone_info)
    return zone_info


def local_time_help(zone_info: dt.tzinfo | None = None) -> str:
    """The help text beside a time field: which clock it is read in (the
    given zone, else this request's)."""
    from django.utils.translation import gettext

    return gettext("Times are in %(zone)s.") % {
        "zone": zone_name(zone_info or viewer_zone())
    }


#: As local_time_help, worked out when shown (for a form's Meta.help_texts).
local_time_help_lazy = lazy(local_time_help, str)


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed on another organisation's clock: read and shown in
    `zone` (set by the form, e.g. the programme organiser's), whatever zone the
    reader's request runs in, so the page can still show the reader's own time
    beside it."""

    zone: dt.tzinfo | None = None

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value) and self.zone:
            return timezone.make_naive(value, self.zone)
        return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(self.zone or viewer_zone()):
            return super().to_python(value)


def read_times_in(form: forms.BaseForm, zone_info: dt.tzinfo) -> None:
    """Make a form's zoned fields read and show their times in a zone, and say
    so in each field's help text."""
    for field in form.fields.values():
        if isinstance(field, ZonedDateTimeField):
            field.zone = zone_info
            field.help_text = local_time_help(zone_info)
