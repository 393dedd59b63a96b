"""Reads worth a name: the public lists, organiser access, attendees, audiences."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tillit.core.content_languages import as_read
from tillit.core.models import Organisation, Person
from tillit.learning.models import Attendance
from tillit.networks.models import Network
from tillit.programmes.models import Cohort, TargetRule
from tillit.programmes.selectors import programmes_for_organiser
from tillit.registrations import selectors as registration_selectors
from tillit.registrations.models import Registration

from .models import Event, InvitationRound


def _with_availability(events: QuerySet[Event]) -> QuerySet[Event]:
    """Events with their cohort's seat counts loaded (read them with
    `registration_selectors.availability_of(event.cohort)`)."""
    cohorts = registration_selectors.with_availability(
        Cohort.objects.select_related("programme__organiser")
    )
    return events.select_related("session", "network").prefetch_related(
        Prefetch("cohort", queryset=cohorts)
    )


def upcoming_events(now: dt.datetime | None = None) -> QuerySet[Event]:
    """Published events that have not ended, soonest first, with availability
    and talks, in four queries however many events."""
    now = now or timezone.now()
    return _with_availability(
        Event.objects.published().filter(session__ends_at__gte=now)
    ).order_by("session__starts_at", "pk")


def active_registrations(
    person: Person, events: Iterable[Event]
) -> dict[int, Registration]:
    """The person's active registrations for the events, by cohort id, in one
    query (none for a visitor who is not logged in)."""
    if not person.is_authenticated:
        return {}
    registrations = Registration.objects.active().filter(
        person=person, cohort__in=[event.cohort_id for event in events]
    )
    return {r.cohort_id: r for r in registrations}


def past_events(now: dt.datetime | None = None) -> QuerySet[Event]:
    """Published events that have ended, latest first, with their material."""
    now = now or timezone.now()
    return (
        Event.objects.published()
        .filter(session__ends_at__lt=now)
        .select_related("session", "cohort__programme__organiser")
        .prefetch_related("material_files")
        .order_by("-session__starts_at", "-pk")
    )


def event_for_public(slug: str) -> Event:
    """A published event, else Http404."""
    return get_object_or_404(_with_availability(Event.objects.published()), slug=slug)


def organisations_for_organiser(person: Person) -> QuerySet[Organisation]:
    """The organisations on whose behalf a person may create events."""
    if person.is_superuser:
        return Organisation.objects.filter(staff__isnull=False).distinct()
    return Organisation.objects.filter(staff=person)


def events_for_organiser(person: Person) -> QuerySet[Event]:
    """Events of the organisations whose staff the person is (every event for
    a superuser): the same gate as programmes."""
    return Event.objects.filter(
        cohort__programme__in=programmes_for_organiser(person)
    ).select_related("session", "cohort__programme__organiser", "network")


def event_for_organiser(person: Person, pk: int) -> Event:
    return get_object_or_404(events_for_organiser(person), pk=pk)


def organiser_overview(person: Person) -> QuerySet[Event]:
    """The organiser's events, newest first, with seat counts and the number
    of people invited."""
    return _with_availability(
        events_for_organiser(person).annotate(n_invited=Count("invitations"))
    ).order_by("-session__starts_at", "-pk")


@dataclass(frozen=True)
class Attendees:
    """Who registered for an event, who waits, and who attended."""

    confirmed: list[Registration]
    pending: list[Registration]
    waitlist: list[Registration]
    attended: set[int]
    availability: registration_selectors.Availability

    @property
    def n_attended(self) -> int:
        return len(self.attended)


def attendees(event: Event) -> Attendees:
    """The event's people, in three queries: seats (with those whose seat is
    held or offered apart), the waitlist in order, and who was marked present."""
    registrations = list(registration_selectors.registrations_for_cohort(event.cohort))
    reservations = list(event.cohort.reservations.all())
    Status = Registration.Status
    present = set(
        Attendance.objects.filter(
            session=event.session, status=Attendance.Status.PRESENT
        ).values_list("person_id", flat=True)
    )
    return Attendees(
        confirmed=[r for r in registrations if r.status == Status.CONFIRMED],
        pending=[r for r in registrations if r.status in (Status.HELD, Status.OFFERED)],
        waitlist=[r for r in registrations if r.status == Status.WAITLISTED],
        attended=present,
        availability=registration_selectors.availability_from(
            event.cohort, registrations, reservations
        ),
    )


def invitable_networks(event: Event) -> QuerySet[Network]:
    """Networks whose members the organiser may invite: the owner's active ones
    and the event's own network."""
    return Network.objects.filter(
        Q(owner=event.organiser, is_active=True) | Q(pk=event.network_id)
    ).order_by(as_read("name"), "pk")


def network_members(network: Network) -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True,
        network_memberships__network=network,
        network_memberships__status="active",
    )


def target_group_members(
    *,
    sectors: Iterable[str] = (),
    role_categories: Iterable[str] = (),
    managerial_levels: Iterable[str] = (),
) -> QuerySet[Person]:
    """Active people matching a target group the way a programme's TargetRule
    matches them: every non-empty list must contain the person's value."""
    people = Person.objects.filter(is_active=True)
    if sectors:
        people = people.filter(organisation__sector__in=sectors)
    if role_categories:
        people = people.filter(role_category__in=role_categories)
    if managerial_levels:
        people = people.filter(managerial_level__in=managerial_levels)
    return people


def organisation_members(
    organisations: Iterable[Organisation] | QuerySet[Organisation],
) -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, organisation__in=organisations)


def describe_round(invitation_round: InvitationRound) -> str:
    """The audience of an invitation round in plain words."""
    Audience = InvitationRound.Audience
    if invitation_round.audience == Audience.NETWORK:
        return str(invitation_round.network or "–")
    if invitation_round.audience == Audience.TARGET_GROUP:
        rule = TargetRule(
            sectors=invitation_round.sectors,
            role_categories=invitation_round.role_categories,
            managerial_levels=invitation_round.managerial_levels,
        )
        return str(rule.describe())
    return ", ".join(o.name for o in invitation_round.organisations.all())


def invitation_rounds(event: Event) -> QuerySet[InvitationRound]:
    return event.invitation_rounds.select_related(
        "network", "sent_by"
    ).prefetch_related("organisations")


def is_invited(person: Person, event: Event) -> bool:
    return person.is_authenticated and event.invitations.filter(person=person).exists()


def events_to_remind(now: dt.datetime) -> QuerySet[Event]:
    """Published events starting within the next 30 days (the longest reminder
    window); callers check each event's own `reminder_days`."""
    return (
        Event.objects.published()
        .filter(
            session__starts_at__gt=now,
            session__starts_at__lte=now + dt.timedelta(days=30),
        )
        .select_related("session", "cohort__programme__organiser")
    )
