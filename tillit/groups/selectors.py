"""Reads worth a name: who may facilitate a round, apply to it or see a group
(access selectors raise Http404), the pool, the proposal's figures and a
person's own groups."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.core import charts
from tillit.core.models import Organisation, Person, RoleCategory, Sector

from . import scoring
from .models import (
    Agreement,
    Application,
    GroupMember,
    GroupRound,
    PeerGroup,
    Proposal,
    RoundTheme,
)

if TYPE_CHECKING:
    from tillit.networks.models import Membership, Network

#: Groups shown per page of a proposal.
GROUPS_PER_PAGE = 12
#: Up to this many groups the "move to" control is a select, above a number.
SELECT_LIMIT = 60


# Access -------------------------------------------------------------------------


def rounds_for_facilitator(person: Person) -> QuerySet[GroupRound]:
    """Rounds a person facilitates, or whose owner organisation they staff."""
    if not person.is_authenticated:
        return GroupRound.objects.none()
    if person.is_superuser:
        return GroupRound.objects.all()
    facilitated = GroupRound.objects.filter(facilitators=person).values("pk")
    staffed = Organisation.objects.filter(staff=person).values("pk")
    return GroupRound.objects.filter(Q(pk__in=facilitated) | Q(owner__in=staffed))


def round_for_facilitator(person: Person, pk: int) -> GroupRound:
    """The round if the person may facilitate it, else Http404."""
    return get_object_or_404(
        rounds_for_facilitator(person).select_related("owner", "network", "continues"),
        pk=pk,
    )


def owner_choices(person: Person) -> QuerySet[Organisation]:
    """Organisations a person may create rounds for: those they staff, and the
    owners of peer networks they lead."""
    if not person.is_authenticated:
        return Organisation.objects.none()
    if person.is_superuser:
        return Organisation.objects.filter(staff__isnull=False).distinct()
    led = network_choices(person).values("owner")
    return Organisation.objects.filter(Q(staff=person) | Q(pk__in=led)).distinct()


def network_choices(person: Person) -> QuerySet["Network"]:
    """Peer networks a person leads, for a new round."""
    from tillit.networks import selectors as network_selectors
    from tillit.networks.models import Network

    return network_selectors.networks_for_leader(person).filter(
        kind=Network.Kind.PEER, is_active=True
    )


def may_create_rounds(person: Person) -> bool:
    return owner_choices(person).exists()


def _network_member(person: Person) -> QuerySet["Membership"]:
    from tillit.networks.models import Membership

    return Membership.objects.active().filter(
        network=OuterRef("network"), person=person
    )


def open_rounds(person: Person) -> QuerySet[GroupRound]:
    """Forming rounds open for applications that the person may apply to: any
    round without a network, and rounds of peer networks they are members of."""
    return (
        GroupRound.objects.filter(
            status=GroupRound.Status.DRAFT, applications_open=True
        )
        .filter(Q(network__isnull=True) | Exists(_network_member(person)))
        .select_related("owner", "network")
        .order_by("-year", "title")
    )


def round_for_applicant(person: Person, pk: int) -> GroupRound:
    """A round the person may apply to, or has an application in, else 404."""
    has_applied = Application.objects.filter(round=OuterRef("pk"), person=person)
    return get_object_or_404(
        GroupRound.objects.filter(
            Q(pk__in=open_rounds(person).values("pk")) | Exists(has_applied)
        ).select_related("owner", "network"),
        pk=pk,
    )


def groups_for_member(person: Person) -> QuerySet[PeerGroup]:
    """The published groups a person belongs to, newest round first, with their
    sizes (one query)."""
    if not person.is_authenticated:
        return PeerGroup.objects.none()
    return (
        PeerGroup.objects.filter(members__person=person)
        .select_related("round__owner")
        .annotate(size=Count("members", distinct=True))
        .order_by("-round__year", "round__title", "number")
    )


def groups_for_person(person: Person) -> QuerySet[PeerGroup]:
    """Groups whose page a person may see: their own, and every group of the
    rounds they facilitate."""
    if not person.is_authenticated:
        return PeerGroup.objects.none()
    own = GroupMember.objects.filter(person=person).values("group_id")
    facilitated = GroupRound.objects.filter(facilitators=person).values("pk")
    return PeerGroup.objects.filter(Q(pk__in=own) | Q(round__in=facilitated))


def group_for_member(person: Person, pk: int) -> PeerGroup:
    """The group if the person is a member or a facilitator of its round, else
    Http404 (organiser staff who do not facilitate see no group page)."""
    return get_object_or_404(
        groups_for_person(person).select_related("round__owner", "continues"), pk=pk
    )


def is_facilitator(person: Person, round_: GroupRound) -> bool:
    return round_.facilitators.filter(pk=person.pk).exists()


# The pool -----------------------------------------------------------------------


def pool(round_: GroupRound, status: str | None = None) -> QuerySet[Application]:
    """The round's applications with their people, in one query."""
    applications = round_.applications.select_related(
        "person__organisation", "continuing_group"
    ).order_by("status", "person__last_name", "person__first_name", "pk")
    if status:
        applications = applications.filter(status=status)
    return applications


def pool_counts(round_: GroupRound) -> dict[str, int]:
    counts = dict(
        round_.applications.values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {status: counts.get(status, 0) for status in Application.Status.values}


def application_of(person: Person, round_: GroupRound) -> Application | None:
    return Application.objects.filter(round=round_, person=person).first()


# The proposal -------------------------------------------------------------------

ATTRIBUTE_LABELS = {
    "branch": gettext_lazy("Branch of government"),
    "organisation": gettext_lazy("Organisation"),
    "sector": gettext_lazy("Kind of organisation"),
    "region": gettext_lazy("Region"),
    "role": gettext_lazy("Role"),
    "years": gettext_lazy("Years as manager"),
}
VALUE_LABELS = {
    "branch": dict(Sector.choices),
    "sector": dict(Organisation.Kind.choices),
    "role": dict(RoleCategory.choices),
}


def attribute_label(name: str) -> str:
    return str(ATTRIBUTE_LABELS.get(name, name))


def value_label(name: str, value: Any) -> str:
    if value == "":
        return "–"
    return str(VALUE_LABELS.get(name, {}).get(value, value))


@dataclass(frozen=True)
class MemberRow:
    pid: str
    person: Person
    values: dict[str, str]
    flagged: bool
    continuing: str


@dataclass(frozen=True)
class GroupCard:
    number: int
    figures: scoring.GroupFigures
    members: list[MemberRow]
    mix: list[tuple[str, str]]
    continues: str
    chart: charts.BarChart | None = None


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    figures: scoring.Figures
    rules: list[tuple[str, str, bool]]
    cards: list[GroupCard]
    page: Page[Any]
    group_numbers: range
    use_select: bool
    best: float | None

    @property
    def share_of_best(self) -> int | None:
        """The groups' diversity as a whole per cent of the most that groups of
        these sizes could reach (the engine's upper bound), or None."""
        if not self.best:
            return None
        return min(100, round(100 * self.figures.objective / self.best))


def figures_of(proposal: Proposal) -> scoring.Figures:
    """The proposal's figures as it stands now (after any moves)."""
    pool_ = proposal.pool
    return scoring.score(
        pool_["people"],
        proposal.assignment,
        weights=pool_["weights"],
        groups=proposal.engine["groups"],
        sizes=tuple(pool_["sizes"]),
        max_per=pool_.get("max_per", {}),
        apart=[tuple(pair) for pair in pool_.get("apart", [])],
        kept=[k["members"] for k in pool_.get("kept", [])],
    )


def _rule_rows(
    figures: scoring.Figures, pool_: dict[str, Any]
) -> list[tuple[str, str, bool]]:
    low, high = pool_["sizes"]
    sizes = [g.size for g in figures.groups]
    rows = []
    for check in figures.checks:
        if check.rule == "sizes":
            requirement = _("Every group has %(low)s–%(high)s people") % {
                "low": low,
                "high": high,
            }
            achieved = _("%(groups)s groups of %(smallest)s–%(largest)s people") % {
                "groups": len(sizes),
                "smallest": min(sizes),
                "largest": max(sizes),
            }
        elif check.rule.startswith("max_per:"):
            requirement = _("At most %(limit)s from one organisation in a group") % {
                "limit": check.required
            }
            achieved = _("At most %(count)s in any group") % {"count": check.achieved}
        elif check.rule == "apart":
            requirement = _("A manager and their own manager in different groups")
            achieved = _("%(held)s of %(total)s pairs apart") % {
                "held": check.achieved,
                "total": check.total,
            }
        else:
            requirement = _("Continuing groups stay together")
            achieved = _("%(held)s of %(total)s groups whole") % {
                "held": check.achieved,
                "total": check.total,
            }
        rows.append((requirement, achieved, check.satisfied))
    return rows


def _mix_chart(number: int, group: scoring.GroupFigures) -> charts.BarChart | None:
    """The group's mix as bars: a heading per attribute, a bar per value with
    its count, on the scale of the group's size (organisations are left to the
    text: each is one bar of one)."""
    groups = [
        charts.Group(
            attribute_label(name),
            [
                charts.Item(value_label(name, value), count, str(count))
                for value, count in counts.items()
            ],
            maximum=group.size,
        )
        for name, counts in group.mix.items()
        if name != "organisation" and counts
    ]
    return charts.bar_chart(
        id=f"mix-chart-{number}",
        title=_("The mix of group %(number)s") % {"number": number},
        groups=groups,
    )


def _mix_rows(group: scoring.GroupFigures) -> list[tuple[str, str]]:
    rows = []
    for name, counts in group.mix.items():
        if name == "organisation":
            repeated = sum(1 for c in counts.values() if c > 1)
            text = _("%(count)s different") % {"count": len(counts)}
            if repeated:
                text += " · " + _("%(count)s repeated") % {"count": repeated}
            rows.append((attribute_label(name), text))
            continue
        rows.append(
            (
                attribute_label(name),
                ", ".join(f"{value_label(name, v)} {c}" for v, c in counts.items()),
            )
        )
    for name, (low, mean, high) in group.ranges.items():
        rows.append(
            (
                attribute_label(name),
                _("%(low)s–%(high)s, mean %(mean)s")
                % {"low": f"{low:g}", "high": f"{high:g}", "mean": f"{mean:.1f}"},
            )
        )
    return rows


def proposal_view(proposal: Proposal, page_number: int | str = 1) -> ProposalView:
    """Everything the proposal page shows: the rules, the overall figures and
    one page of group cards with their members (one query for the people)."""
    figures = figures_of(proposal)
    pool_ = proposal.pool
    paginator = Paginator(figures.groups, GROUPS_PER_PAGE)
    page = paginator.get_page(page_number)
    ids = [pid for group in page.object_list for pid in group.members]
    people = Person.objects.select_related("organisation").in_bulk(
        [int(pid) for pid in ids]
    )
    kept_of = {m: k["name"] for k in pool_.get("kept", []) for m in k["members"]}
    continues = {
        proposal.assignment[k["members"][0]]: k["name"] for k in pool_.get("kept", [])
    }
    cards = []
    for group in page.object_list:
        members = sorted(
            (
                MemberRow(
                    pid=pid,
                    person=people[int(pid)],
                    values={
                        name: value_label(name, pool_["people"][pid].get(name) or "")
                        for name in ("branch", "sector", "region", "role")
                    },
                    flagged=pid in group.colleagues,
                    continuing=kept_of.get(pid, ""),
                )
                for pid in group.members
                if int(pid) in people
            ),
            key=lambda row: (row.person.last_name, row.person.first_name),
        )
        cards.append(
            GroupCard(
                number=group.index + 1,
                figures=group,
                members=members,
                mix=_mix_rows(group),
                continues=continues.get(group.index, ""),
                chart=_mix_chart(group.index + 1, group),
            )
        )
    groups = proposal.engine["groups"]
    return ProposalView(
        proposal=proposal,
        figures=figures,
        rules=_rule_rows(figures, pool_),
        cards=cards,
        page=page,
        group_numbers=range(1, groups + 1),
        use_select=groups <= SELECT_LIMIT,
        best=proposal.engine.get("upper_bound"),
    )


# A group's page -----------------------------------------------------------------


def group_page(group: PeerGroup) -> dict[str, Any]:
    """A group's members, current agreement, meetings, log and the round's
    themes, each in one query."""
    members = group.members.select_related("person__organisation")
    return {
        "members": list(members),
        "agreement": Agreement.objects.filter(group=group)
        .select_related("written_by")
        .first(),
        "earlier_agreements": Agreement.objects.filter(group=group).select_related(
            "written_by"
        )[1:6],
        "meetings": list(group.meetings.all()),
        "log": list(group.log_entries.select_related("written_by")[:20]),
        "themes": list(
            RoundTheme.objects.filter(round=group.round_id).select_related("raised_by")
        ),
    }


def round_groups(round_: GroupRound) -> QuerySet[PeerGroup]:
    """The published groups of a round with their sizes, in one query."""
    return round_.groups.annotate(size=Count("members")).order_by("number")


def rounds_overview(person: Person) -> QuerySet[GroupRound]:
    """Rounds a person facilitates, with pool and group counts."""
    return (
        rounds_for_facilitator(person)
        .select_related("owner", "network")
        .annotate(
            pool_size=Count(
                "applications",
                filter=Q(applications__status=Application.Status.ACCEPTED),
                distinct=True,
            ),
            waiting=Count(
                "applications",
                filter=Q(applications__status=Application.Status.PENDING),
                distinct=True,
            ),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-year", "title")
    )
