"""Publishing a proposal as groups, and continuing a round next year."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.models import Person
from tillit.notifications import services as notifications

from ..models import Application, GroupMember, GroupRound, PeerGroup, Proposal
from .errors import GroupsError
from .pool import ROUND_FIELDS


@transaction.atomic
def publish(round_: GroupRound, *, actor: Person) -> list[PeerGroup]:
    """Create the round's groups from its proposal and tell each member.

    One transaction: the groups, their members, the round's new status and
    every member's mail (an outbox row, sent after commit) happen together or
    not at all. Refused while the engine runs, without a proposal, or when the
    pool changed since the proposal."""
    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if round_.is_published:
        raise GroupsError(_("The groups are already published."))
    proposal = Proposal.objects.filter(round=round_).first()
    if proposal is None or not proposal.is_ready or proposal.is_running:
        raise GroupsError(_("Form the groups before publishing them."))
    pool = set(
        str(pk)
        for pk in round_.applications.filter(
            status=Application.Status.ACCEPTED, person__is_active=True
        ).values_list("person_id", flat=True)
    )
    if pool != set(proposal.assignment):
        raise GroupsError(
            _("The pool has changed since the proposal: form the groups again.")
        )
    members_of: dict[int, list[int]] = {}
    for pid, index in proposal.assignment.items():
        members_of.setdefault(index, []).append(int(pid))
    continuing: dict[int, int] = {}
    for kept in proposal.pool.get("kept", []):
        index = proposal.assignment[kept["members"][0]]
        continuing[index] = kept["group"]
    previous: dict[int | None, PeerGroup] = {
        g.pk: g
        for g in PeerGroup.objects.filter(pk__in=continuing.values()).only("pk", "name")
    }
    kept_people = {
        pid for kept in proposal.pool.get("kept", []) for pid in kept["members"]
    }
    groups = PeerGroup.objects.bulk_create(
        PeerGroup(
            round=round_,
            number=number,
            name=previous[continuing[index]].name
            if continuing.get(index) in previous
            else "",
            continues=previous.get(continuing.get(index)),
        )
        for number, index in enumerate(sorted(members_of), start=1)
    )
    group_of_index = dict(zip(sorted(members_of), groups, strict=True))
    now = timezone.now()
    members = GroupMember.objects.bulk_create(
        (
            GroupMember(
                group=group_of_index[index],
                round=round_,
                person_id=person_id,
                continuing=str(person_id) in kept_people,
                joined_at=now,
            )
            for index, people in members_of.items()
            for person_id in people
        ),
        batch_size=500,
    )
    round_.status = GroupRound.Status.PUBLISHED
    round_.published_at = now
    round_.applications_open = False
    round_.save(update_fields=["status", "published_at", "applications_open"])
    _tell_members(members)
    return groups


def _tell_members(members: list[GroupMember]) -> None:
    persons = Person.objects.in_bulk([m.person_id for m in members])
    for member in members:
        notifications.notify(
            persons[member.person_id],
            kind=notifications.Kind.PEER_GROUP_PUBLISHED,
            key=f"peer-group:{member.group_id}:{member.person_id}",
            template="groups/email/group_published",
            objects={"group": member.group, "round": member.round},
        )


def _a_year_on(years: int | None) -> int | None:
    return None if years is None else min(60, years + 1)


@transaction.atomic
def continue_round(
    round_: GroupRound, *, actor: Person, title: str, year: int
) -> GroupRound:
    """Next year's round from a published one: same settings, facilitators and
    network; every current member who is still active is in the pool as a
    continuing member of their group (they may withdraw), and the round takes
    applications from newcomers."""
    round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_published:
        raise GroupsError(_("Publish the groups before continuing them."))
    fields = {name: getattr(round_, name) for name in ROUND_FIELDS}
    fields.update(title=title, year=year, applications_open=True)
    new = GroupRound.objects.create(
        owner_id=round_.owner_id,
        network_id=round_.network_id,
        continues=round_,
        created_by=actor,
        **fields,
    )
    new.facilitators.set(round_.facilitators.all())
    years = dict(round_.applications.values_list("person_id", "years_as_manager"))
    regions = dict(round_.applications.values_list("person_id", "region"))
    now = timezone.now()
    Application.objects.bulk_create(
        (
            Application(
                round=new,
                person_id=member.person_id,
                status=Application.Status.ACCEPTED,
                source=Application.Source.CONTINUING,
                continuing_group_id=member.group_id,
                years_as_manager=_a_year_on(years.get(member.person_id)),
                region=regions.get(member.person_id, ""),
                decided_at=now,
                decided_by=actor,
            )
            for member in round_.members.filter(person__is_active=True)
        ),
        batch_size=500,
    )
    return new
