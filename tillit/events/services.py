"""Everything that writes events, their talks, material, invitations and
attendance.

An event's seats are its cohort's, so registering and cancelling go through
tillit.registrations.services (the cohort row lock, the waitlist, promotion)
and nothing here counts seats. Callers check that the actor organises the
event (selectors.event_for_organiser); these services keep the rules and raise
ValidationError or EventError with a sentence a person may read.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tillit.core import uploads
from tillit.core.content_languages import CONTENT_LANGUAGES as LANGS
from tillit.core.content_languages import localized_names
from tillit.core.errors import DomainError
from tillit.core.models import Organisation, Person
from tillit.learning import services as learning_services
from tillit.learning.models import Attendance
from tillit.networks.models import Network
from tillit.notifications import services as notifications
from tillit.programmes import calendar
from tillit.programmes import services as programme_services
from tillit.programmes.models import Programme, Session, TargetRule
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration

from . import selectors
from .models import Event, Invitation, InvitationRound, MaterialFile, Talk

EVENT_FIELDS = {
    "title",
    "theme",
    "description",
    "format",
    "network",
    "is_published",
    "reminder_days",
}
COHORT_FIELDS = {
    "capacity",
    "waitlist_enabled",
    "registration_opens_at",
    "registration_closes_at",
}
TIME_AND_PLACE = {"starts_at", "ends_at", "place", "stream_link"}
TALK_FIELDS = {"starts_at", "ends_at", "title", "speaker", "description"}
# Each text also per content language (title_sv, title_fi, title_en).
EVENT_FIELDS |= localized_names(("title", "theme", "description"))
TALK_FIELDS |= localized_names(("title", "description"))
# The place is the session's (and cohort's) location, written per language too.
TIME_AND_PLACE |= localized_names(("place",))
MATERIAL_FIELDS = {
    "recording_url",
    "publication_title",
    "publication_url",
    *localized_names(("publication_title",)),
}
MATERIAL_TYPES = ["pdf", "docx", "pptx", "xlsx", "odt", "png", "jpg"]
MATERIAL_MAX_MB = 25


class EventError(DomainError):
    """A refusal a person may read."""


def _unknown(fields: Iterable[str], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")


# The event series ------------------------------------------------------------


def event_series(organisation: Organisation) -> Programme:
    """The organisation's event series: the programme whose cohorts back its
    events, made on first use, titled in each content language (a series made
    before gets the languages it lacks). Never listed as a programme
    (Programme.kind)."""
    texts = {}
    for language in LANGS:
        with translation.override(language):
            title = _("Events of %(organisation)s") % {
                "organisation": organisation.name
            }
            texts[f"title_{language}"] = title[:200]
            texts[f"summary_{language}"] = _("Events, forums and morning meetings.")
    programme, created = Programme.objects.get_or_create(
        slug=f"evenemang-{organisation.pk}",
        defaults={
            "kind": Programme.Kind.EVENT_SERIES,
            "organiser": organisation,
            "format": Programme.Format.DIGITAL,
            **texts,
        },
    )
    missing = [name for name in texts if not getattr(programme, name)]
    if not created and missing:
        for name in missing:
            setattr(programme, name, texts[name])
        programme.save(update_fields=missing)
    return programme


# Events ------------------------------------------------------------------------


def _mode(event_format: str) -> str:
    return (
        Session.Mode.ONLINE
        if event_format == Event.Format.ONLINE
        else Session.Mode.ON_SITE
    )


def _check_time_and_place(event: Event, fields: dict[str, Any]) -> None:
    errors = {}
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if not starts or not ends:
        raise ValidationError(_("An event needs a start and an end."))
    if ends <= starts:
        errors["ends_at"] = _("The event must end after it starts.")
    if event.format != Event.Format.ONLINE and not _has_place(fields):
        errors["place"] = _("Say where the event is held on site.")
    closes = fields.get("registration_closes_at")
    if closes and ends and closes > ends:
        errors["registration_closes_at"] = _(
            "Registration must close before the event ends."
        )
    if errors:
        raise ValidationError(errors)


def _has_place(fields: dict[str, Any]) -> bool:
    return any(fields.get(name) for name in ("place", *localized_names(("place",))))


def _locations(fields: dict[str, Any]) -> dict[str, str]:
    """The place as the session's and cohort's `location` columns: each language
    given (`place_fi` -> `location_fi`), then a plain `place`, which writes the
    active language's column, so it comes last."""
    locations = {
        f"location_{code}": fields[f"place_{code}"] or ""
        for code in LANGS
        if f"place_{code}" in fields
    }
    if "place" in fields:
        locations["location"] = fields["place"]
    return locations


def _cohort_fields(
    organisation: Organisation, event: Event, fields: dict[str, Any]
) -> dict[str, Any]:
    zone = calendar.zone_for(organisation)
    return {
        "name": event.title[:120],
        **{
            f"name_{code}": (getattr(event, f"title_{code}") or "")[:120]
            for code in LANGS
        },
        "starts_on": timezone.localdate(fields["starts_at"], zone),
        "ends_on": timezone.localdate(fields["ends_at"], zone),
        **_locations(fields),
        "online_link": fields["stream_link"],
    }


def _session_fields(event: Event, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": event.title,
        **{f"title_{code}": getattr(event, f"title_{code}") or "" for code in LANGS},
        "starts_at": fields["starts_at"],
        "ends_at": fields["ends_at"],
        "mode": _mode(event.format),
        **_locations(fields),
        "link": fields["stream_link"],
    }


def _unique_slug(title: str, day: dt.date, exclude_pk: int | None = None) -> str:
    base = slugify(f"{title} {day:%Y-%m-%d}")[:180] or "event"
    slug, n = base, 1
    taken = Event.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_event(organisation: Organisation, *, actor: Person, **fields: Any) -> Event:
    """A new event of the organisation with its cohort (the seats) and its
    session (the time and place). Raises ValidationError on bad data."""
    _unknown(fields, EVENT_FIELDS | COHORT_FIELDS | TIME_AND_PLACE)
    fields = {"stream_link": "", **fields}
    if not any(name in fields for name in ("place", *localized_names(("place",)))):
        fields["place"] = ""
    event = Event(
        **{name: value for name, value in fields.items() if name in EVENT_FIELDS},
        created_by=actor,
    )
    _check_time_and_place(event, fields)
    event.slug = _unique_slug(event.title, fields["starts_at"])
    event.full_clean(exclude=["cohort", "session"])
    series = event_series(organisation)
    event.cohort = programme_services.create_cohort(
        series,
        actor=actor,
        **{name: fields[name] for name in COHORT_FIELDS if name in fields},
        **_cohort_fields(organisation, event, fields),
    )
    event.session = programme_services.add_session(
        event.cohort, actor=actor, **_session_fields(event, fields)
    )
    event.save()
    return event


@transaction.atomic
def update_event(event: Event, *, actor: Person, **fields: Any) -> Event:
    """Change an event. A new number of seats is applied under the cohort's
    lock (extra seats go to the waitlist at once; seats given are never taken);
    a new time or place grows the session's sequence, so calendars update and
    people are reminded again. Raises ValidationError or RegistrationError."""
    _unknown(fields, EVENT_FIELDS | COHORT_FIELDS | TIME_AND_PLACE)
    event = Event.objects.select_related("session", "cohort__programme").get(
        pk=event.pk
    )
    for name in EVENT_FIELDS & set(fields):
        setattr(event, name, fields[name])
    current = {
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        **{
            f"place_{code}": getattr(event.session, f"location_{code}") or ""
            for code in LANGS
        },
        "stream_link": event.stream_link,
        "registration_closes_at": event.cohort.registration_closes_at,
    }
    merged = {**current, **fields}
    _check_time_and_place(event, merged)
    event.full_clean(exclude=["cohort", "session"])
    event.save()
    registration_services.update_cohort(
        event.cohort,
        actor=actor,
        **{name: fields[name] for name in COHORT_FIELDS if name in fields},
        **_cohort_fields(event.organiser, event, merged),
    )
    session_fields = _session_fields(event, merged)
    programme_services.update_session(event.session, actor=actor, **session_fields)
    return event


# Talks ---------------------------------------------------------------------------


def add_talk(event: Event, *, actor: Person, **fields: Any) -> Talk:
    _unknown(fields, TALK_FIELDS)
    talk = Talk(event=event, **fields)
    _clean_talk(talk)
    talk.save()
    return talk


def update_talk(talk: Talk, *, actor: Person, **fields: Any) -> Talk:
    _unknown(fields, TALK_FIELDS)
    for name, value in fields.items():
        setattr(talk, name, value)
    _clean_talk(talk)
    talk.save()
    return talk


def _clean_talk(talk: Talk) -> None:
    talk.full_clean()
    if talk.ends_at and talk.ends_at <= talk.starts_at:
        raise ValidationError({"ends_at": _("The talk must end after it starts.")})


def delete_talk(talk: Talk, *, actor: Person) -> None:
    talk.delete()


# Material after the event ----------------------------------------------------------


def save_material(event: Event, *, actor: Person, **fields: Any) -> Event:
    """The recording and publication links shown with a past event."""
    _unknown(fields, MATERIAL_FIELDS)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean(exclude=["cohort", "session"])
    event.save(update_fields=list(fields))
    return event


@transaction.atomic
def add_material_file(
    event: Event, *, actor: Person, upload: Any, **titles: str
) -> MaterialFile:
    """Store a file checked by its content (core.uploads.check); `titles` may
    give its title per language (title_sv, title_fi, title_en)."""
    _unknown(titles, localized_names(("title",)))
    kind = uploads.check(upload, allowed=MATERIAL_TYPES, max_mb=MATERIAL_MAX_MB)
    return MaterialFile.objects.create(
        event=event, **uploads.stored_fields(upload, kind=kind, actor=actor), **titles
    )


def delete_material_file(stored: MaterialFile, *, actor: Person) -> None:
    uploads.delete(stored)


# Registration --------------------------------------------------------------------


def register(
    person: Person, event: Event, *, actor: Person | None = None
) -> Registration:
    """A seat, or a place on the waitlist, through the registration service
    (the same lock, rules and receipts as any cohort). Raises
    registration_services.RegistrationError (and its kinds)."""
    if not event.is_published:
        raise registration_services.RegistrationClosed(
            _("Registration for this event is not open.")
        )
    return registration_services.register(person, event.cohort, actor=actor)


def cancel(registration: Registration, *, actor: Person | None = None) -> Registration:
    """Cancel a place; a freed seat goes at once to the waitlist."""
    return registration_services.cancel(registration, actor=actor)


@transaction.atomic
def mark_attended(
    event: Event, person: Person, *, actor: Person, present: bool
) -> Attendance | None:
    """Mark a confirmed participant present at the event, or undo it."""
    if not present:
        learning_services.clear_attendance(event.session, person, actor=actor)
        return None
    try:
        return learning_services.mark_attendance(
            event.session, person, actor=actor, status=Attendance.Status.PRESENT
        )
    except learning_services.LearningError as error:
        raise EventError(str(error)) from error


# Invitations ---------------------------------------------------------------------


@transaction.atomic
def invite(
    event: Event,
    *,
    actor: Person,
    audience: str,
    network: Network | None = None,
    organisations: Iterable[Organisation] = (),
    sectors: Iterable[str] = (),
    role_categories: Iterable[str] = (),
    managerial_levels: Iterable[str] = (),
) -> InvitationRound:
    """Invite an audience: a network's active members, a target group or the
    people of organisations. Each person gets one EVENT_INVITATION mail per
    event, however many rounds include them. Returns the InvitationRound, whose
    `invited` counts the people newly invited. Raises EventError."""
    # One round at a time per event, so two rounds never invite the same person.
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("cohort__programme__organiser")
        .get(pk=event.pk)
    )
    people = _audience(
        event,
        audience,
        network=network,
        organisations=organisations,
        sectors=list(sectors),
        role_categories=list(role_categories),
        managerial_levels=list(managerial_levels),
    )
    invitation_round = InvitationRound.objects.create(
        event=event,
        audience=audience,
        network=network if audience == InvitationRound.Audience.NETWORK else None,
        sectors=list(sectors),
        role_categories=list(role_categories),
        managerial_levels=list(managerial_levels),
        sent_by=actor,
    )
    if audience == InvitationRound.Audience.ORGANISATIONS:
        invitation_round.organisations.set(organisations)
    people = people.distinct()
    new = list(people.exclude(pk__in=event.invitations.values("person_id")))
    Invitation.objects.bulk_create(
        [Invitation(event=event, person=p, round=invitation_round) for p in new]
    )
    zone = calendar.zone_for(event.organiser).key
    for person in new:
        notifications.notify(
            person,
            kind=notifications.Kind.EVENT_INVITATION,
            key=f"event-invitation:{event.pk}:{person.pk}",
            template="events/email/invitation",
            objects={"event": event},
            context={"time_zone": zone},
        )
    invitation_round.matched = people.count()
    invitation_round.invited = len(new)
    invitation_round.save(update_fields=["matched", "invited"])
    return invitation_round


def invitation_preview(
    event: Event,
    *,
    audience: str,
    network: Network | None = None,
    organisations: Iterable[Organisation] = (),
    **target: Iterable[str],
) -> tuple[int, int]:
    """(matched, new): how many people the audience holds and how many of them
    would be invited now (not invited before). Writes nothing; raises
    EventError like invite()."""
    people = _audience(
        event,
        audience,
        network=network,
        organisations=organisations,
        **{name: list(values) for name, values in target.items()},
    ).distinct()
    matched = people.count()
    new = people.exclude(pk__in=event.invitations.values("person_id")).count()
    return matched, new


#: Organisations named by name on the confirmation page; beyond that, counted.
REACH_NAMED = 8


def invitation_reach(
    event: Event,
    *,
    audience: str,
    network: Network | None = None,
    organisations: Iterable[Organisation] = (),
    **target: Iterable[str],
) -> list[tuple[str, list[str], int]]:
    """Where the people who would be invited now work: one (country code,
    organisation names, people) per country, the largest first; people with no
    organisation under the code "". Writes nothing; raises EventError."""
    people = (
        _audience(
            event,
            audience,
            network=network,
            organisations=organisations,
            **{name: list(values) for name, values in target.items()},
        )
        .exclude(pk__in=event.invitations.values("person_id"))
        .distinct()
    )
    rows = Person.objects.filter(pk__in=people.values("pk")).values_list(
        "organisation__country", "organisation__name"
    )
    reach: dict[str, tuple[set[str], int]] = {}
    for country, name in rows:
        names, count = reach.get(country or "", (set(), 0))
        reach[country or ""] = (names | ({name} if name else set()), count + 1)
    return sorted(
        ((code, sorted(names), count) for code, (names, count) in reach.items()),
        key=lambda row: -row[2],
    )


def _audience(
    event: Event,
    audience: str,
    *,
    network: Network | None,
    organisations: Iterable[Organisation],
    **target: list[str],
) -> QuerySet[Person]:
    Audience = InvitationRound.Audience
    if audience == Audience.NETWORK:
        if network is None or not selectors.invitable_networks(event).filter(
            pk=network.pk
        ):
            raise EventError(_("Choose one of your organisation's networks."))
        return selectors.network_members(network)
    if audience == Audience.ORGANISATIONS:
        if not organisations:
            raise EventError(_("Choose at least one organisation."))
        return selectors.organisation_members(organisations)
    if audience == Audience.TARGET_GROUP:
        if not any(target.values()):
            raise EventError(_("Choose at least one sector, role or managerial level."))
        try:
            TargetRule(**target).clean()
        except ValidationError as error:
            raise EventError(" ".join(error.messages)) from error
        return selectors.target_group_members(**target)
    raise EventError(_("Choose whom to invite."))


# Reminders -------------------------------------------------------------------------


def send_event_reminders(now: dt.datetime | None = None) -> int:
    """Remind each person with a seat of an event `reminder_days` before it
    starts: once per event, person and version of its time and place (a moved
    event is reminded of again). A periodic job; returns how many reminders
    were recorded."""
    now = now or timezone.now()
    recorded = 0
    for event in selectors.events_to_remind(now):
        if event.starts_at > now + dt.timedelta(days=event.reminder_days):
            continue
        zone = calendar.zone_for(event.organiser).key
        seats = event.cohort.registrations.confirmed().select_related("person")
        for registration in seats:
            person = registration.person
            notification = notifications.notify(
                person,
                kind=notifications.Kind.EVENT_REMINDER,
                key=f"event-reminder:{event.pk}:{person.pk}:{event.session.sequence}",
                template="events/email/reminder",
                objects={"event": event},
                context={"time_zone": zone},
            )
            recorded += notification is not None
    return recorded
