"""`{% when start end zone %}`: a time in its organiser's zone, named, with the
reader's own local time beside it when it differs (see core.formatting)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tillit.core import formatting, timezones

register = template.Library()


@register.simple_tag
def when(start, end=None, zone=None, weekday=False, date=True):
    """`zone` is a tzinfo, a zone key or an organisation; None is the reader's."""
    if start is None:
        return ""
    return formatting.when(
        start, end, zone=_zone(zone), weekday=weekday, with_date=date
    )


@register.filter
def zone_name(zone):
    return timezones.zone_name(_zone(zone))


def _zone(zone):
    if zone is None:
        return timezones.viewer_zone()
    if isinstance(zone, str):
        return timezones.zone(zone)
    if hasattr(zone, "utcoffset"):
        return zone
    return timezones.zone_of(zone)


@register.simple_tag
def when_text(start, end=None, zone=None, weekday=False):
    """As `when`, as plain text in the given zone only (e-mail); "" when the
    template has no time (a missing variable renders as "")."""
    if not start:
        return ""
    return formatting.plain_when(start, end, zone=_zone(zone), weekday=weekday)


@register.filter
def weekday_date(value):
    """ "tisdag 2 februari 2027" / "tiistai 2.2.2027": a day with its weekday."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formatting.day(value, weekday=True)


@register.simple_tag
def holiday_warning(moment, organisation):
    """A warning when `moment` falls on a public holiday of the organiser's
    country (core.public_holidays), or ""."""
    name = formatting.holiday_name(moment, organisation)
    if not name:
        return ""
    return format_html(
        '<span class="holiday-warning">{}</span>',
        _("Public holiday: %(name)s") % {"name": name},
    )


@register.simple_tag
def holidays_among(days, organisation):
    """The (day, name) pairs of `days` (dates) that are public holidays of
    `organisation`'s country: for plans of whole days, such as a rollout's."""
    return formatting.holidays_among(days, organisation)
