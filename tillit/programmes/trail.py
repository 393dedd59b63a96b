"""The organiser's trail of a programme ("Ändringslogg"): every recorded change
to the programme, its cohorts, sessions and seats, newest first.

Two sources are merged: django-auditlog's entries whose scope names the
programme (see each app's audit.py) and the registrations' own trail of seat
events, which the caller reads from the floor above
(registrations.selectors.programme_seat_events) and passes in. Only (time,
source, id) of every row is read to merge and page; the rows of the page
shown are then loaded in two queries.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain

from auditlog.models import LogEntry
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

PAGE_SIZE = 50
AUDIT, SEAT = "audit", "seat"


@dataclass(frozen=True)
class Change:
    """One field's value before and after, in readable words."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    who: str
    what: str
    subject: str
    changes: tuple[Change, ...]
    note: str = ""


def programme_trail(
    programme,
    *,
    seat_events,
    cohort=None,
    since: date | None = None,
    until: date | None = None,
    page_number=None,
) -> Page:
    """A page of the programme's trail, filtered by cohort and by date (both
    days included, in the reader's time zone). `seat_events` is the queryset
    of the seat events of the same programme (and cohort), with their
    registration, person, cohort and actor. The page's object_list holds
    TrailEntry rows."""
    audit_rows = _audit_entries(programme, cohort, since, until)
    seat_rows = _window(seat_events, "at", since, until)
    keys = sorted(
        chain(
            ((at, AUDIT, pk) for pk, at in audit_rows.values_list("pk", "timestamp")),
            ((at, SEAT, pk) for pk, at in seat_rows.values_list("pk", "at")),
        ),
        reverse=True,
    )
    page = Paginator(keys, PAGE_SIZE).get_page(page_number)
    page.object_list = _load(page.object_list, seat_events)
    return page


def _window(queryset, field, since, until):
    if since:
        start = timezone.make_aware(datetime.combine(since, time.min))
        queryset = queryset.filter(**{f"{field}__gte": start})
    if until:
        end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def _audit_entries(programme, cohort, since, until):
    entries = LogEntry.objects.filter(additional_data__programme=programme.pk)
    if cohort is not None:
        entries = entries.filter(additional_data__cohort=cohort.pk)
    return _window(entries, "timestamp", since, until)


def _load(keys, seat_events):
    audit_ids = [pk for _at, source, pk in keys if source == AUDIT]
    seat_ids = [pk for _at, source, pk in keys if source == SEAT]
    entries = LogEntry.objects.select_related("actor", "content_type").in_bulk(
        audit_ids
    )
    events = seat_events.select_related(
        "actor", "registration__person", "registration__cohort"
    ).in_bulk(seat_ids)
    related = {}  # one lookup per related object on the page, not per entry
    rows = []
    for _at, source, pk in keys:
        if source == AUDIT:
            rows.append(_audit_row(_sharing_lookups(entries[pk], related)))
        else:
            rows.append(_seat_row(events[pk]))
    return rows


def _sharing_lookups(entry, related):
    """The entry, reading the names of the rows its keys point to through
    `related`, shared by the entries of one page."""
    lookup = entry._get_changes_display_for_fk_field

    def display(field, value):
        key = (field.related_model, value)
        if key not in related:
            related[key] = lookup(field, value)
        return related[key]

    entry._get_changes_display_for_fk_field = display
    return entry


def _who(person):
    if person is None:
        return _("Tillit (automatic)")
    return person.get_full_name() or person.email


def _audit_row(entry):
    model = entry.content_type.model_class()
    kind = model._meta.verbose_name if model else entry.content_type.model
    actions = {
        LogEntry.Action.CREATE: _("Created"),
        LogEntry.Action.UPDATE: _("Changed"),
        LogEntry.Action.DELETE: _("Deleted"),
    }
    what = actions.get(entry.action, _("Changed"))
    return TrailEntry(
        at=entry.timestamp,
        who=_who(entry.actor) if entry.actor_id else _who(None),
        what=f"{what}: {str(kind)[:1].upper()}{str(kind)[1:]}",
        subject=entry.object_repr,
        changes=tuple(_changes(entry)),
    )


def _changes(entry):
    try:
        display = entry.changes_display_dict
    except Exception:  # a model removed since the entry was written
        display = entry.changes_dict
    model = entry.content_type.model_class()
    hidden = {"id", "ID", str(model._meta.pk.verbose_name) if model else "id"}
    for field, values in display.items():
        if str(field) in hidden:
            continue
        if isinstance(values, dict):  # a many-to-many change
            objects = ", ".join(str(value) for value in values.get("objects", []))
            if values.get("operation") == "delete":
                yield Change(str(field), objects, "–")
            else:
                yield Change(str(field), "–", objects)
            continue
        before, after = [*values, "", ""][:2]
        yield Change(
            str(field)[:1].upper() + str(field)[1:], _word(before), _word(after)
        )


def _word(value):
    """Python's words for nothing, yes and no as a reader's words."""
    text = str(value)
    if text in ("None", "", "[]", "{}"):
        return "–"
    if text == "True":
        return _("yes")
    if text == "False":
        return _("no")
    return text


def _seat_row(event):
    registration = event.registration
    return TrailEntry(
        at=event.at,
        who=_who(event.actor),
        what=event.get_action_display(),
        subject=_("%(person)s, %(cohort)s")
        % {
            "person": registration.person.get_full_name(),
            "cohort": registration.cohort.name,
        },
        changes=(),
        note=event.note,
    )
