"""Dates and times in the reader's language, from the format modules in
tillit/formats/<language>/formats.py (settings.FORMAT_MODULE_PATH).

Django's `date` filter accepts only Django's own format names; the names Tillit
adds there (WEEKDAY_DATE_FORMAT) are read here.
"""

import datetime as dt

from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import public_holidays, timezones


def local_format(name: str) -> str:
    """A format string by name for the active language: Tillit's format module
    first, then Django's own (as `formats.get_format` does for Django's names)."""
    for module in formats.get_format_modules(translation.get_language()):
        value = getattr(module, name, None)
        if value is not None:
            return value
    return formats.get_format(name)


def day(moment: dt.date | dt.datetime, *, weekday: bool = False) -> str:
    return formats.date_format(
        moment, local_format("WEEKDAY_DATE_FORMAT") if weekday else "DATE_FORMAT"
    )


def clock(moment: dt.datetime) -> str:
    return formats.time_format(moment, "TIME_FORMAT")


def span(start: dt.datetime, end: dt.datetime | None, zone: dt.tzinfo) -> str:
    """ "2 februari 2027 kl. 08:00–10:00" (no zone name), in `zone`."""
    start = timezone.localtime(start, zone)
    if end is None:
        times = clock(start)
    else:
        end = timezone.localtime(end, zone)
        if end.date() == start.date():
            times = f"{clock(start)}–{clock(end)}"
        else:
            times = f"{clock(start)}–{day(end)} {clock(end)}"
    return times


def when(
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    zone: dt.tzinfo,
    weekday: bool = False,
    with_date: bool = True,
) -> str:
    """A time in the organiser's zone with the zone's name, and the reader's own
    local time beside it when their clock differs, as HTML:
    "tisdag 2 februari 2027 kl. 08:00–10:00 finsk tid (07:00–09:00 svensk tid)"."""
    local = timezone.localtime(start, zone)
    text = _("%(date)s at %(time)s") % {
        "date": day(local, weekday=weekday),
        "time": span(start, end, zone),
    }
    if not with_date:
        text = span(start, end, zone)
    own = timezones.viewer_zone()
    html = format_html(
        '<time datetime="{}">{} {}</time>',
        local.isoformat(),
        text,
        timezones.zone_name(zone),
    )
    if timezones.same_clock(zone, own, start):
        return html
    mine = timezone.localtime(start, own)
    other = span(start, end, own)
    if mine.date() != local.date():
        other = f"{day(mine)} {other}"
    return format_html(
        '{} <span class="local-time">({} {})</span>',
        html,
        other,
        timezones.zone_name(own),
    )


def plain_when(
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    zone: dt.tzinfo,
    weekday: bool = False,
) -> str:
    """As `when`, as plain text in the organiser's zone only (e-mail, calendar)."""
    local = timezone.localtime(start, zone)
    text = _("%(date)s at %(time)s") % {
        "date": day(local, weekday=weekday),
        "time": span(start, end, zone),
    }
    return f"{text} {timezones.zone_name(zone)}"


def holiday_name(moment: dt.datetime | None, organisation) -> str | None:
    """The public holiday of the organiser's country on the organiser's day of
    `moment`, in the active language, or None."""
    if moment is None or organisation is None:
        return None
    local = timezone.localtime(moment, timezones.zone_of(organisation))
    return public_holidays.holiday_on(local.date(), organisation.country)


def holidays_among(days, organisation) -> list[tuple[dt.date, str]]:
    """The days of `days` (dates) that are public holidays of `organisation`'s
    country, each with the holiday's name in the active language."""
    if organisation is None:
        return []
    named = [
        (day, public_holidays.holiday_on(day, organisation.country)) for day in days
    ]
    return [(day, name) for day, name in named if name]
