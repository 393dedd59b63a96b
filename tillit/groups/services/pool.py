"""Rounds and their pool: create a round, apply, accept or remove, add a peer
network's members, appoint facilitators, raise themes for all groups."""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.models import Organisation, Person

from ..models import Application, GroupRound, RoundTheme
from .errors import GroupsError

if TYPE_CHECKING:
    from tillit.networks.models import Membership, Network

Status = Application.Status

#: Fields of a round the facilitator may change while it is forming.
ROUND_FIELDS = (
    "title",
    "year",
    "description",
    "applications_open",
    "min_size",
    "max_size",
    "weight_branch",
    "weight_organisation",
    "weight_sector",
    "weight_region",
    "weight_role",
    "weight_years",
    "max_per_organisation",
    "keep_continuing",
    "keep_managers_apart",
)


def _check_sizes(fields: dict[str, Any]) -> None:
    low, high = fields.get("min_size", 8), fields.get("max_size", 10)
    if low < 2 or high < low:
        raise GroupsError(
            _(
                "A group has at least 2 people, and the largest group cannot be "
                "smaller than the smallest."
            )
        )


@transaction.atomic
def create_round(
    *,
    actor: Person,
    owner: Organisation,
    title: str,
    year: int,
    network: "Network | None" = None,
    **fields: Any,
) -> GroupRound:
    """A forming round owned by `owner`; the actor becomes its facilitator."""
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {', '.join(sorted(unknown))}")
    _check_sizes(fields)
    if network is not None and network.owner_id != owner.pk:
        raise GroupsError(_("The network belongs to another organisation."))
    round_ = GroupRound.objects.create(
        owner=owner,
        title=title,
        year=year,
        network=network,
        created_by=actor,
        **fields,
    )
    round_.facilitators.add(actor)
    return round_


@transaction.atomic
def update_round(round_: GroupRound, *, actor: Person, **fields: Any) -> GroupRound:
    """Change a forming round's settings; a proposal made before stays until
    the facilitator forms the groups again."""
    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published:
        raise GroupsError(
            _("The groups are published; the round can no longer change.")
        )
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {', '.join(sorted(unknown))}")
    _check_sizes(
        {
            "min_size": fields.get("min_size", round_.min_size),
            "max_size": fields.get("max_size", round_.max_size),
        }
    )
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.save(update_fields=list(fields))
    return round_


def add_facilitator(round_: GroupRound, person: Person, *, actor: Person) -> GroupRound:
    round_.facilitators.add(person)
    return round_


def _is_network_member(round_: GroupRound, person: Person) -> QuerySet["Membership"]:
    from tillit.networks.models import Membership

    return Membership.objects.active().filter(network=round_.network_id, person=person)


@transaction.atomic
def apply(
    round_: GroupRound,
    person: Person,
    *,
    years_as_manager: int | None = None,
    motivation: str = "",
    region: str = "",
) -> Application:
    """Apply to a forming round, or change one's waiting application.

    A round of a peer network takes applications from the network's active
    members only. Applying again after withdrawing asks anew."""
    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published or not round_.applications_open:
        raise GroupsError(_("This round takes no applications."))
    if round_.network_id and not _is_network_member(round_, person).exists():
        raise GroupsError(_("Only members of the network can apply."))
    application = Application.objects.filter(round=round_, person=person).first()
    if application and application.status == Status.REMOVED:
        raise GroupsError(_("The facilitator has decided on your application."))
    if application is None:
        application = Application(round=round_, person=person)
    elif application.status == Status.WITHDRAWN:
        application.status = Status.PENDING
    application.years_as_manager = years_as_manager
    application.motivation = motivation.strip()
    application.region = region.strip()
    application.save()
    return application


@transaction.atomic
def withdraw(application: Application, *, actor: Person) -> Application:
    """The applicant leaves the pool (also a continuing member who will not
    continue); possible until the groups are published."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.round.is_published:
        raise GroupsError(_("The groups are published."))
    application.status = Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(update_fields=["status", "decided_at", "decided_by"])
    return application


@transaction.atomic
def decide(application: Application, *, actor: Person, accept: bool) -> Application:
    """The facilitator takes an application into the pool or removes it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.round.is_published:
        raise GroupsError(_("The groups are published."))
    if application.status == Status.WITHDRAWN:
        raise GroupsError(_("The applicant has withdrawn."))
    application.status = Status.ACCEPTED if accept else Status.REMOVED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(update_fields=["status", "decided_at", "decided_by"])
    return application


@transaction.atomic
def add_network_members(round_: GroupRound, *, actor: Person) -> int:
    """Put every active member of the round's network in the pool, in one go.

    Members who applied are accepted; those who withdrew or were removed stay
    out. Returns how many joined the pool."""
    from tillit.networks.models import Membership

    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if round_.network_id is None:
        raise GroupsError(_("This round has no network."))
    if round_.is_published:
        raise GroupsError(_("The groups are published."))
    now = timezone.now()
    existing = dict(round_.applications.values_list("person_id", "status"))
    members = Membership.objects.active().filter(
        network=round_.network_id, person__is_active=True
    )
    new = [
        Application(
            round=round_,
            person_id=person_id,
            status=Status.ACCEPTED,
            source=Application.Source.NETWORK,
            decided_at=now,
            decided_by=actor,
        )
        for person_id in members.values_list("person_id", flat=True)
        if person_id not in existing
    ]
    Application.objects.bulk_create(new, batch_size=500)
    waiting = round_.applications.filter(
        status=Status.PENDING, person__in=members.values("person_id")
    ).update(status=Status.ACCEPTED, decided_at=now, decided_by=actor)
    return len(new) + waiting


def raise_theme(
    round_: GroupRound, *, actor: Person, title: str, text: str = ""
) -> RoundTheme:
    """A theme shown on the page of every group of the round."""
    title = title.strip()
    if not title:
        raise GroupsError(_("Give the theme a title."))
    return RoundTheme.objects.create(
        round=round_, title=title, text=text.strip(), raised_by=actor
    )


@transaction.atomic
def accept_waiting(round_: GroupRound, *, actor: Person) -> int:
    """Take every waiting application into the pool at once; returns how many."""
    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published:
        raise GroupsError(_("The groups are published."))
    return round_.applications.filter(status=Status.PENDING).update(
        status=Status.ACCEPTED, decided_at=timezone.now(), decided_by=actor
    )
