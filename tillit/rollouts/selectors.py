"""Reads worth a name: HR access gates, the plan's figures, the dashboard and
follow-ups. The *_for_hr gates raise Http404 for anyone but the organisation's
employer contacts (its HR director), so another organisation sees nothing."""

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.models import Organisation, Person
from tillit.registrations.models import Registration

from .models import (
    Employment,
    Exclusion,
    FollowUp,
    ImportBatch,
    Placement,
    RolloutCohort,
    RolloutPlan,
    own_manager_employment,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class EmploymentProgress(TypedDict):
    """What annotated_employments adds to each employment."""

    has_completed: bool
    in_progress: bool
    planned: bool
    follow_up_done: bool
    excluded: bool


#: Colours for departments in charts: dark enough for white gaps, told apart
#: by the table as well, never by colour alone.
PALETTE = [
    "#1b5e7a",
    "#b3541e",
    "#3d7a3a",
    "#7a3d78",
    "#8a6d0b",
    "#2f4b9e",
    "#a3344b",
    "#4f5b62",
    "#007f73",
    "#6b4f2a",
]


def hr_organisations(person: Person) -> QuerySet[Organisation]:
    if not person.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(employer_contacts=person)


def organisation_for_hr(person: Person, pk: int) -> Organisation:
    return get_object_or_404(hr_organisations(person), pk=pk)


def batch_for_hr(person: Person, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("organisation"),
        pk=pk,
        organisation__in=hr_organisations(person),
    )


def plan_for_hr(person: Person, pk: int) -> RolloutPlan:
    return get_object_or_404(
        RolloutPlan.objects.select_related("organisation", "programme"),
        pk=pk,
        organisation__in=hr_organisations(person),
    )


def employment_for_plan(plan: RolloutPlan, pk: int) -> Employment:
    return get_object_or_404(
        Employment.objects.select_related("person"),
        pk=pk,
        organisation=plan.organisation_id,
        left_on__isnull=True,
    )


def employments(organisation: Organisation) -> QuerySet[Employment]:
    return Employment.objects.filter(
        organisation=organisation, left_on__isnull=True
    ).select_related("person__unit", "department")


# The plan --------------------------------------------------------------------


@dataclass
class Segment:
    label: str
    count: int
    colour: str
    x: float = 0.0
    width: float = 0.0


@dataclass
class CohortRow:
    cohort: RolloutCohort
    size: int
    segments: list[Segment]
    mix: float
    pinned: int

    @property
    def fill(self) -> int:
        return (
            round(100 * self.size / self.cohort.capacity) if self.cohort.capacity else 0
        )


@dataclass
class DepartmentRow:
    name: str
    colour: str
    managers: int
    cohorts_reached: int
    most_in_one: int


@dataclass
class PlanSummary:
    cohorts: list[CohortRow]
    departments: list[DepartmentRow]
    placed: int
    managers: int
    preceded: int
    with_manager: int
    same_cohort: int
    flags: list[str] = field(default_factory=list)
    excluded: int = 0
    unplaced: int = 0


def plan_summary(plan: RolloutPlan, today: dt.date | None = None) -> PlanSummary:
    """The plan's cohorts with their department mix, how each department
    spreads, precedence and flags, from the current placements (3 queries)."""
    today = today or timezone.localdate()
    cohorts = sorted(
        plan.cohorts.select_related("cohort"), key=lambda c: (c.starts_on, c.number)
    )
    placements = list(
        Placement.objects.filter(plan=plan)
        .select_related(
            "employment__department", "employment__person", "rollout_cohort"
        )
        .annotate(manager_employment_id=own_manager_employment("employment__"))
    )
    current = list(
        Employment.objects.filter(
            organisation=plan.organisation_id, left_on__isnull=True
        )
        .annotate(
            is_excluded=Exists(
                Exclusion.objects.filter(plan=plan, employment=OuterRef("pk"))
            )
        )
        .select_related("department", "person")
    )
    active = [e for e in current if not e.is_excluded]
    departments = sorted({e.department.name if e.department else "–" for e in active})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(departments)}
    where = {p.employment_id: p.rollout_cohort for p in placements if p.rollout_cohort}
    manager_of = {p.employment_id: p.manager_employment_id for p in placements}
    by_cohort: defaultdict[int, list[Placement]] = defaultdict(list)
    for placement in placements:
        if placement.rollout_cohort_id:
            by_cohort[placement.rollout_cohort_id].append(placement)
    rows = [_cohort_row(c, by_cohort[c.pk], colours) for c in cohorts]
    department_rows = _department_rows(placements, colours, active)
    preceded = with_manager = same = 0
    for employment_id, cohort in where.items():
        manager = manager_of.get(employment_id)
        boss = where.get(manager) if manager is not None else None
        if boss is None:
            continue
        with_manager += 1
        if boss.starts_on < cohort.starts_on:
            preceded += 1
        if boss.pk == cohort.pk:
            same += 1
    summary = PlanSummary(
        rows,
        department_rows,
        placed=len(where),
        managers=len(active),
        preceded=preceded,
        with_manager=with_manager,
        same_cohort=same,
    )
    summary.flags = _flags(plan, summary, rows, placements, active, today)
    summary.excluded = len(current) - len(active)
    summary.unplaced = sum(1 for e in active if e.pk not in where)
    return summary


#: A cohort that has not started and is filled less than this is flagged.
TINY_SHARE = 1 / 3


def tiny_cohorts(rows: list[CohortRow], today: dt.date) -> list[CohortRow]:
    """Cohort rows not started, with people but below a third of their places."""
    return [
        row
        for row in rows
        if row.size
        and not row.cohort.has_started(today)
        and row.size < max(2, math.ceil(row.cohort.capacity * TINY_SHARE))
    ]


def _name(employment: Employment) -> str:
    return employment.department.name if employment.department else "–"


def _cohort_row(
    cohort: RolloutCohort, placements: list[Placement], colours: dict[str, str]
) -> CohortRow:
    counts = Counter(_name(p.employment) for p in placements)
    size = len(placements)
    segments: list[Segment] = []
    x = 0.0
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        width = 100 * count / cohort.capacity if cohort.capacity else 0
        segments.append(Segment(name, count, colours.get(name, PALETTE[-1]), x, width))
        x += width
    pairs = size * (size - 1) / 2
    same = sum(n * (n - 1) / 2 for n in counts.values())
    mix = round(1 - same / pairs, 2) if pairs else 1.0
    pinned = sum(1 for p in placements if p.pinned)
    return CohortRow(cohort, size, segments, mix, pinned)


def _department_rows(
    placements: Sequence[Placement],
    colours: dict[str, str],
    active: Sequence[Employment],
) -> list[DepartmentRow]:
    totals = Counter(_name(e) for e in active)
    spread: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for placement in placements:
        if placement.rollout_cohort_id:
            spread[_name(placement.employment)][placement.rollout_cohort_id] += 1
    return [
        DepartmentRow(
            name,
            colours[name],
            totals[name],
            len(spread[name]),
            max(spread[name].values(), default=0),
        )
        for name in sorted(totals)
    ]


def _flags(
    plan: RolloutPlan,
    summary: PlanSummary,
    rows: list[CohortRow],
    placements: Sequence[Placement],
    active: Sequence[Employment],
    today: dt.date,
) -> list[str]:
    flags: list[Any] = []
    placed_ids = {p.employment_id for p in placements if p.rollout_cohort_id}
    unplaced = [e for e in active if e.pk not in placed_ids]
    if unplaced:
        flags.append(
            ngettext(
                "%(count)s manager has no cohort yet (new since the last plan).",
                "%(count)s managers have no cohort yet (new since the last plan).",
                len(unplaced),
            )
            % {"count": len(unplaced)}
        )
    full = [row for row in rows if row.size > row.cohort.capacity]
    for row in full:
        flags.append(
            _("%(cohort)s has more managers than places.") % {"cohort": row.cohort}
        )
    if summary.same_cohort:
        flags.append(
            ngettext(
                "%(count)s manager shares a cohort with their own manager.",
                "%(count)s managers share a cohort with their own manager.",
                summary.same_cohort,
            )
            % {"count": summary.same_cohort}
        )
    unit_sizes = Counter(e.person.unit_id or f"d{e.department_id}" for e in active)
    over = 0
    per_cohort_unit = Counter(
        (
            p.rollout_cohort_id,
            p.employment.person.unit_id or f"d{p.employment.department_id}",
        )
        for p in placements
        if p.rollout_cohort is not None and not p.rollout_cohort.has_started(today)
    )
    for (_cohort, unit), count in per_cohort_unit.items():
        size = unit_sizes.get(unit, 0)
        if size and count > max(
            1, math.floor(float(plan.max_unit_share) * size + 1e-9)
        ):
            over += 1
    if over:
        flags.append(
            ngettext(
                "%(count)s time a unit has more than its share in one cohort.",
                "%(count)s times a unit has more than its share in one cohort.",
                over,
            )
            % {"count": over}
        )
    not_preceded = summary.with_manager - summary.preceded
    if not_preceded:
        flags.append(
            ngettext(
                "%(count)s manager goes before or with their own manager rather "
                "than after.",
                "%(count)s managers go before or with their own manager rather "
                "than after.",
                not_preceded,
            )
            % {"count": not_preceded}
        )
    for row in tiny_cohorts(rows, today):
        flags.append(
            ngettext(
                "%(cohort)s has only %(size)s manager for %(capacity)s places. "
                "Move them to other cohorts, or plan again with moves allowed.",
                "%(cohort)s has only %(size)s managers for %(capacity)s places. "
                "Move them to other cohorts, or plan again with moves allowed.",
                row.size,
            )
            % {"cohort": row.cohort, "size": row.size, "capacity": row.cohort.capacity}
        )
    waiting = [
        row
        for row in rows
        if row.cohort.cohort_id is None and row.size and row.cohort.has_started(today)
    ]
    for row in waiting:
        flags.append(
            _("%(cohort)s starts before it is published; change its days.")
            % {"cohort": row.cohort}
        )
    return [str(flag) for flag in flags]


# The dashboard ---------------------------------------------------------------


@dataclass
class DashboardRow:
    name: str
    managers: int = 0
    completed: int = 0
    in_progress: int = 0
    planned: int = 0
    not_planned: int = 0
    excluded: int = 0  # left out of the rollout by HR, not otherwise placed
    follow_ups_done: int = 0

    def share(self, value: int) -> int:
        return round(100 * value / self.managers) if self.managers else 0

    @property
    def completed_share(self) -> int:
        return self.share(self.completed)

    @property
    def in_progress_share(self) -> int:
        return self.share(self.in_progress)

    @property
    def planned_share(self) -> int:
        return self.share(self.planned)

    @property
    def not_planned_share(self) -> int:
        return self.share(self.not_planned)

    @property
    def excluded_share(self) -> int:
        return self.share(self.excluded)

    @property
    def covered_share(self) -> int:
        """Of the managers in the rollout (not left out), those done or placed."""
        in_scope = self.managers - self.excluded
        done = in_scope - self.not_planned
        return round(100 * done / in_scope) if in_scope else 0

    @property
    def follow_up_share(self) -> int:
        return (
            round(100 * self.follow_ups_done / self.completed) if self.completed else 0
        )

    def bars(self) -> list[tuple[str, float, float]]:
        """(status key, x, width) of the stacked bar, in percent."""
        x = 0.0
        out: list[tuple[str, float, float]] = []
        for key in ("completed", "in_progress", "planned", "not_planned", "excluded"):
            width = 100 * getattr(self, key) / self.managers if self.managers else 0
            out.append((key, round(x, 2), round(width, 2)))
            x += width
        return out


def annotated_employments(
    organisation: Organisation, today: dt.date | None = None
) -> "QuerySet[WithAnnotations[Employment, EmploymentProgress]]":
    """The organisation's current managers, each with whether they completed,
    are in, or are booked for a rollout cohort, and whether the follow-up was
    held. One query."""
    today = today or timezone.localdate()
    seats = Registration.objects.confirmed().filter(
        person=OuterRef("person"),
        cohort__rollout_cohort__plan__organisation=organisation,
    )
    completed: Q | Combinable = Exists(seats.filter(cohort__ends_on__lt=today))
    if apps.is_installed("tillit.learning"):
        from tillit.learning.models import AlumniMembership

        completed = completed | Exists(
            AlumniMembership.objects.filter(
                person=OuterRef("person"),
                programme__rollout_plans__organisation=organisation,
            )
        )
    return (
        Employment.objects.filter(organisation=organisation, left_on__isnull=True)
        .select_related("department", "person")
        .annotate(
            has_completed=completed,
            in_progress=Exists(
                seats.filter(cohort__starts_on__lte=today, cohort__ends_on__gte=today)
            ),
            planned=Exists(seats.filter(cohort__starts_on__gt=today)),
            follow_up_done=Exists(
                FollowUp.objects.filter(
                    employment=OuterRef("pk"), held_on__isnull=False
                )
            ),
            excluded=Exists(Exclusion.objects.filter(employment=OuterRef("pk"))),
        )
        .order_by("department__name", "employee_id")
    )


def dashboard(
    organisation: Organisation, today: dt.date | None = None
) -> tuple[list[DashboardRow], DashboardRow]:
    """(rows per department, totals) of the organisation's rollout."""
    rows: dict[str, DashboardRow] = {}
    total = DashboardRow("")
    for employment in annotated_employments(organisation, today):
        name = _name(employment)
        row = rows.setdefault(name, DashboardRow(name))
        for target in (row, total):
            target.managers += 1
            if employment.has_completed:
                target.completed += 1
                target.follow_ups_done += employment.follow_up_done
            elif employment.in_progress:
                target.in_progress += 1
            elif employment.planned:
                target.planned += 1
            elif employment.excluded:
                target.excluded += 1
            else:
                target.not_planned += 1
    return [rows[name] for name in sorted(rows)], total


STATUS_COLOURS = {
    "completed": "#1b5e7a",
    "in_progress": "#3d7a3a",
    "planned": "#8a6d0b",
    "not_planned": "#c9ced1",
    "excluded": "#6b4f2a",
}


def dashboard_chart(
    rows: list[DashboardRow],
    *,
    left: int = 240,
    width: int = 350,
    row_height: int = 28,
) -> dict[str, Any]:
    """Geometry of the stacked bars (in SVG user units) for the template."""
    bars = []
    for index, row in enumerate(rows):
        y = index * row_height + 4
        rects = [
            {
                "x": round(left + width * x / 100, 2),
                "width": round(width * w / 100, 2),
                "colour": STATUS_COLOURS[key],
            }
            for key, x, w in row.bars()
            if w
        ]
        bars.append(
            {
                "name": row.name,
                "y": y,
                "text_y": y + 13,
                "rects": rects,
                "covered": row.covered_share,
            }
        )
    return {"bars": bars, "height": max(len(rows), 1) * row_height + 8}


# Follow-ups ------------------------------------------------------------------


def follow_ups_for(person: Person) -> QuerySet[FollowUp]:
    """Follow-ups the person takes part in: their own, and those of the
    managers who report to them."""
    return (
        FollowUp.objects.filter(
            Q(employment__person=person) | Q(employment__person__manager=person),
            employment__left_on__isnull=True,
        )
        .filter(
            Exists(
                Registration.objects.confirmed().filter(
                    cohort=OuterRef("cohort"), person=OuterRef("employment__person")
                )
            )
        )
        .select_related("employment__person__manager", "cohort__programme", "logged_by")
        .order_by("cohort__ends_on", "pk")
    )


def follow_up_for_person(person: Person, pk: int) -> FollowUp:
    return get_object_or_404(follow_ups_for(person), pk=pk)
