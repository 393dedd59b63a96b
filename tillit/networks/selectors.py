"""Reads worth a name: who may see and lead a network (access selectors raise
Http404), the member directory, and what a person's own page shows."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tillit.core.models import Person, Sector

from .models import Announcement, Meeting, Membership, Network, SharedFile


def _lookup(pk_or_slug: Network | int | str) -> Q:
    if isinstance(pk_or_slug, Network):
        return Q(pk=pk_or_slug.pk)
    if isinstance(pk_or_slug, int) or str(pk_or_slug).isdigit():
        return Q(pk=int(pk_or_slug))
    return Q(slug=pk_or_slug)


def is_external(person: Person) -> bool:
    """Whether a person comes from outside the public sector: a company, an
    association, or no organisation at all."""
    organisation = person.organisation
    return organisation is None or organisation.sector == Sector.PRIVATE


# Access -------------------------------------------------------------------------


def networks_for_leader(person: Person) -> QuerySet[Network]:
    """Networks a person leads: as an active chair or facilitator, as staff of
    the owner organisation, or as a site admin."""
    if not person.is_authenticated:
        return Network.objects.none()
    if person.is_superuser:
        return Network.objects.all()
    led = Membership.objects.leaders().filter(person=person).values("network")
    return Network.objects.filter(Q(owner__staff=person) | Q(pk__in=led)).distinct()


def networks_for_member(person: Person) -> QuerySet[Network]:
    """Networks whose inner pages a person may see: active networks they are an
    active member of, and every network they lead."""
    if not person.is_authenticated:
        return Network.objects.none()
    if person.is_superuser:
        return Network.objects.all()
    member_of = Membership.objects.active().filter(person=person).values("network")
    led = networks_for_leader(person).values("pk")
    return Network.objects.filter(
        Q(pk__in=member_of, is_active=True) | Q(pk__in=led)
    ).distinct()


def network_for_member(person: Person, pk_or_slug: Network | int | str) -> Network:
    """The network if `person` may see its inner pages, else Http404."""
    return get_object_or_404(
        networks_for_member(person).select_related("owner"), _lookup(pk_or_slug)
    )


def network_for_leader(person: Person, pk_or_slug: Network | int | str) -> Network:
    """The network if `person` may lead it, else Http404."""
    return get_object_or_404(
        networks_for_leader(person).select_related("owner"), _lookup(pk_or_slug)
    )


def is_leader(person: Person, network: Network) -> bool:
    return networks_for_leader(person).filter(pk=network.pk).exists()


def is_member(person: Person, network: Network) -> bool:
    """Whether a person may see the network's inner pages."""
    return networks_for_member(person).filter(pk=network.pk).exists()


def membership_of(person: Person, network: Network) -> Membership | None:
    """The person's membership row in any status, or None."""
    if not person.is_authenticated:
        return None
    return Membership.objects.filter(person=person, network=network).first()


def own_membership(person: Person, pk: int) -> Membership:
    """A membership row of `person` (to accept, decline, withdraw), else 404."""
    return get_object_or_404(
        Membership.objects.select_related("network"), pk=pk, person=person
    )


def membership_for_leader(person: Person, network: Network, pk: int) -> Membership:
    """A membership in a network the person leads, else Http404."""
    return get_object_or_404(
        network.memberships.select_related("person__organisation", "network"), pk=pk
    )


def file_for_member(person: Person, pk: int) -> SharedFile:
    """A shared file of a network the person may see, else Http404."""
    return get_object_or_404(
        SharedFile.objects.select_related("network"),
        pk=pk,
        network__in=networks_for_member(person),
    )


def announcement_for_leader(network: Network, pk: int) -> Announcement:
    return get_object_or_404(network.announcements, pk=pk)


def meeting_for_leader(person: Person, network: Network, pk: int) -> Meeting:
    return get_object_or_404(network.meetings, pk=pk)


# Lists --------------------------------------------------------------------------


def public_networks() -> QuerySet[Network]:
    """Active networks that accept applications, for the public list."""
    return Network.objects.filter(
        is_active=True, join_policy=Network.JoinPolicy.APPLICATION
    ).select_related("owner")


def public_network(slug: str) -> Network:
    """A network's public face: every active network has one."""
    return get_object_or_404(
        Network.objects.select_related("owner"), slug=slug, is_active=True
    )


def active_members(network: Network) -> QuerySet[Membership]:
    return (
        network.memberships.active()
        .select_related("person__organisation")
        .order_by("person__last_name", "person__first_name", "pk")
    )


@dataclass(frozen=True)
class DirectoryEntry:
    """What one member lets the others see."""

    membership_pk: int
    name: str
    role: str
    role_label: str
    email: str = ""
    title: str = ""
    organisation: str = ""
    phone: str = ""


def directory(network: Network) -> list[DirectoryEntry]:
    """The member directory: each member's name and role, and only the details
    that member opted to show."""
    entries = []
    for membership in active_members(network):
        person = membership.person
        entries.append(
            DirectoryEntry(
                membership_pk=membership.pk,
                name=person.get_full_name() or person.email,
                role=membership.role,
                role_label=membership.get_role_display(),
                email=person.email if membership.show_email else "",
                title=person.title if membership.show_title else "",
                organisation=(
                    str(person.organisation)
                    if membership.show_organisation and person.organisation_id
                    else ""
                ),
                phone=membership.phone if membership.show_phone else "",
            )
        )
    return entries


def pending(network: Network) -> QuerySet[Membership]:
    """Invitations and applications waiting for an answer."""
    return (
        network.memberships.filter(
            status__in=[Membership.Status.INVITED, Membership.Status.APPLIED]
        )
        .select_related("person__organisation")
        .order_by("status", "created_at", "pk")
    )


def announcements(network: Network, limit: int | None = None) -> QuerySet[Announcement]:
    queryset = Announcement.objects.filter(network=network).select_related("author")
    return queryset[:limit] if limit else queryset


def upcoming_meetings(
    network: Network, now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return network.meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")


def past_meetings(
    network: Network, now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return network.meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def shared_files(network: Network) -> QuerySet[SharedFile]:
    return network.files.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def my_networks(person: Person) -> QuerySet[Membership]:
    """A person's memberships for their own page: active ones, and invitations
    and applications waiting for an answer."""
    return (
        Membership.objects.filter(
            person=person,
            status__in=[
                Membership.Status.ACTIVE,
                Membership.Status.INVITED,
                Membership.Status.APPLIED,
            ],
            network__is_active=True,
        )
        .select_related("network__owner")
        .annotate(
            member_count=Count(
                "network__memberships",
                filter=Q(network__memberships__status=Membership.Status.ACTIVE),
            )
        )
        .order_by("status", "network__name")
    )


def meetings_for_person(
    person: Person, since: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings of the active networks a person is an active member of, for the
    personal calendar feed."""
    queryset = Meeting.objects.filter(
        network__is_active=True,
        network__memberships__person=person,
        network__memberships__status=Membership.Status.ACTIVE,
    ).select_related("network")
    if since is not None:
        queryset = queryset.filter(ends_at__gte=since)
    return queryset.order_by("starts_at", "pk")
