"""Making a rollout plan: cohorts and their days, the engine in the background,
and HR's changes by hand under the same hard rules."""

import datetime as dt
import logging
import math
from collections.abc import Hashable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from matching.planning import (
    CohortPlan,
    CohortSlot,
    Manager,
    PlanningInfeasible,
    placement_conflicts,
    plan_cohorts,
)
from tillit.core.models import Organisation, Person
from tillit.notifications import services as notifications
from tillit.programmes.models import Cohort, Programme
from tillit.registrations.models import Registration

from ..models import (
    Employment,
    EmploymentQuerySet,
    Exclusion,
    Placement,
    RolloutCohort,
    RolloutPlan,
)
from .errors import RolloutError

logger = logging.getLogger(__name__)
RunStatus = RolloutPlan.RunStatus
#: Spare places when the number of cohorts is derived, for new managers.
SPARE_SHARE = 0.05


def active_employments(organisation: Organisation | int) -> EmploymentQuerySet:
    return Employment.objects.filter(organisation=organisation, left_on__isnull=True)


def plan_employments(plan: RolloutPlan) -> EmploymentQuerySet:
    """The managers the plan is for: current, and not excluded by HR."""
    return active_employments(plan.organisation_id).exclude(
        pk__in=Exclusion.objects.filter(plan=plan).values("employment")
    )


def generate_dates(
    starts_on: dt.date, ends_on: dt.date, count: int, days: int, weeks_between: int
) -> list[list[dt.date]]:
    """`count` cohorts of `days` programme days `weeks_between` weeks apart,
    their starts spread evenly over the period, weekends moved to Monday.
    Raises RolloutError when they do not fit in the period."""
    span = (days - 1) * weeks_between * 7
    room = (ends_on - starts_on).days - span
    if count < 1 or days < 1:
        raise RolloutError(_("A plan needs at least one cohort of one day."))
    if room < 0 or (ends_on - _weekday(starts_on + dt.timedelta(days=span))).days < 0:
        raise RolloutError(
            _(
                "The period is too short: one cohort of %(days)s days, %(weeks)s "
                "weeks apart, needs %(need)s days."
            )
            % {"days": days, "weeks": weeks_between, "need": span + 1}
        )
    step = room / (count - 1) if count > 1 else 0
    result: list[list[dt.date]] = []
    for index in range(count):
        start = starts_on + dt.timedelta(days=math.floor(index * step))
        result.append(
            [
                _weekday(start + dt.timedelta(weeks=weeks_between * day))
                for day in range(days)
            ]
        )
    last = result[-1][-1]
    if last > ends_on:
        # A weekend at the very end pushed the last day out: move back a week.
        result[-1] = [day - dt.timedelta(days=7) for day in result[-1]]
    return result


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def derived_cohort_count(organisation: Organisation | int, cohort_size: int) -> int:
    managers = active_employments(organisation).count()
    return max(1, math.ceil(managers * (1 + SPARE_SHARE) / cohort_size))


@transaction.atomic
def create_plan(
    organisation: Organisation,
    *,
    actor: Person,
    programme: Programme,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    cohort_size: int,
    max_unit_share: Decimal | float,
    cohort_count: int | None = None,
    days_per_cohort: int = 5,
    weeks_between_days: int = 3,
    location: str = "",
) -> RolloutPlan:
    """A draft plan with its cohorts' days generated over the period."""
    if programme.organiser_id != organisation.pk:
        raise RolloutError(_("Choose one of your organisation's own programmes."))
    if ends_on <= starts_on:
        raise RolloutError(_("The period must end after it starts."))
    count = cohort_count or derived_cohort_count(organisation, cohort_size)
    dates = generate_dates(
        starts_on, ends_on, count, days_per_cohort, weeks_between_days
    )
    plan = RolloutPlan.objects.create(
        organisation=organisation,
        programme=programme,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        cohort_size=cohort_size,
        days_per_cohort=days_per_cohort,
        weeks_between_days=weeks_between_days,
        max_unit_share=max_unit_share,
        location=location,
        created_by=actor,
    )
    RolloutCohort.objects.bulk_create(
        RolloutCohort(
            plan=plan,
            number=number,
            dates=[day.isoformat() for day in days],
            capacity=cohort_size,
        )
        for number, days in enumerate(dates, start=1)
    )
    return plan


@transaction.atomic
def update_cohort_days(
    rollout_cohort: RolloutCohort,
    *,
    actor: Person,
    dates: list[dt.date],
    capacity: int,
    today: dt.date | None = None,
) -> RolloutCohort:
    """Change a cohort's programme days and size until it starts. A published
    cohort keeps its number of days; its cohort and sessions move with it (the
    sessions' calendar events update)."""
    today = today or timezone.localdate()
    if rollout_cohort.has_started(today):
        raise RolloutError(_("This cohort has started; its days stay as they are."))
    if rollout_cohort.cohort_id and len(dates) != len(rollout_cohort.dates):
        raise RolloutError(_("A published cohort keeps its number of programme days."))
    dates = sorted(dates)
    if len(set(dates)) != len(dates) or not dates:
        raise RolloutError(_("Give each programme day a different date."))
    if dates[0] <= today:
        raise RolloutError(_("The first programme day must be after today."))
    if capacity < 1:
        raise RolloutError(_("A cohort holds at least one manager."))
    placed = rollout_cohort.placements.count()
    if capacity < placed:
        raise RolloutError(
            ngettext(
                "%(placed)s manager is placed in this cohort; it cannot hold fewer.",
                "%(placed)s managers are placed in this cohort; it cannot hold fewer.",
                placed,
            )
            % {"placed": placed}
        )
    moved = [day.isoformat() for day in dates] != rollout_cohort.dates
    rollout_cohort.dates = [day.isoformat() for day in dates]
    rollout_cohort.capacity = capacity
    rollout_cohort.save(update_fields=["dates", "capacity"])
    if rollout_cohort.cohort_id and moved:
        _move_published_days(rollout_cohort, dates, actor)
    return rollout_cohort


def _move_published_days(
    rollout_cohort: RolloutCohort, dates: list[dt.date], actor: Person
) -> None:
    from tillit.programmes import services as programme_services

    # Called for a published rollout cohort only.
    cohort = cast(Cohort, rollout_cohort.cohort)
    zone = timezone.get_current_timezone()
    sessions = list(cohort.sessions.order_by("starts_at"))
    for session, day in zip(sessions, dates, strict=False):
        local = timezone.localtime(session.starts_at, zone)
        length = session.ends_at - session.starts_at
        starts_at = dt.datetime.combine(day, local.time(), zone)
        programme_services.update_session(
            session, actor=actor, starts_at=starts_at, ends_at=starts_at + length
        )
    programme_services.update_cohort(
        cohort,
        actor=actor,
        starts_on=dates[0],
        ends_on=dates[-1],
        registration_closes_at=dt.datetime.combine(dates[0], dt.time(0, 0), zone),
    )
    _tell_about_new_days(rollout_cohort.plan, cohort)


def _tell_about_new_days(plan: RolloutPlan, cohort: Cohort) -> None:
    """Every manager with a seat in the cohort gets the new days by mail, in
    their language, through the outbox (the calendar events' SEQUENCE grew
    with each moved session, so calendars update as well). The key names the
    sessions' sequences, so each move is told once."""
    change = sum(cohort.sessions.values_list("sequence", flat=True))
    seats = Registration.objects.filter(
        cohort=cohort, status=Registration.Status.CONFIRMED
    ).select_related("person")
    for seat in seats:
        notifications.notify(
            seat.person,
            kind=notifications.Kind.ROLLOUT_PUBLISHED,
            key=f"rollout-days:{cohort.pk}:{seat.person_id}:{change}",
            template="rollouts/email/rollout_days_moved",
            objects={"plan": plan, "cohort": cohort},
        )


@transaction.atomic
def add_cohort(
    plan: RolloutPlan,
    *,
    actor: Person,
    starts_on: dt.date,
    capacity: int,
    today: dt.date | None = None,
) -> RolloutCohort:
    """One more cohort for the plan (more managers than places, a cancelled
    cohort), its days spaced as the plan's; published with the next publish."""
    today = today or timezone.localdate()
    plan = RolloutPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_running:
        raise RolloutError(_("Wait until planning has finished."))
    if starts_on <= today:
        raise RolloutError(_("The first programme day must be after today."))
    if capacity < 1:
        raise RolloutError(_("A cohort holds at least one manager."))
    days = [
        _weekday(starts_on + dt.timedelta(weeks=plan.weeks_between_days * day))
        for day in range(plan.days_per_cohort)
    ]
    number = 1 + max(plan.cohorts.values_list("number", flat=True), default=0)
    return RolloutCohort.objects.create(
        plan=plan,
        number=number,
        dates=[day.isoformat() for day in days],
        capacity=capacity,
    )


@transaction.atomic
def exclude(
    plan: RolloutPlan,
    employment: Employment,
    *,
    actor: Person,
    reason: str,
    today: dt.date | None = None,
) -> Exclusion:
    """Leave a manager out of the rollout (the chief executive, long leave).
    Their place in a cohort that has not started goes; the seat is cancelled
    when the changes are published. Raises RolloutError without a reason or
    for someone in a cohort that has started."""
    today = today or timezone.localdate()
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise RolloutError(_("Say why the manager is left out."))
    _lock_idle(plan)
    if employment.organisation_id != plan.organisation_id or employment.left_on:
        raise RolloutError(_("The manager is not in the organisation."))
    placement = (
        plan.placements.filter(employment=employment)
        .select_related("rollout_cohort")
        .first()
    )
    cohort = placement.rollout_cohort if placement else None
    if cohort is not None and cohort.cohort_id and cohort.has_started(today):
        raise RolloutError(
            _("%(person)s is in %(cohort)s, which has started.")
            % {"person": employment.person, "cohort": cohort}
        )
    exclusion, _created = Exclusion.objects.update_or_create(
        plan=plan,
        employment=employment,
        defaults={"reason": reason, "excluded_by": actor},
    )
    if placement is not None:
        placement.delete()
    return exclusion


@transaction.atomic
def include(plan: RolloutPlan, employment: Employment, *, actor: Person) -> None:
    """Bring an excluded manager back; the next planning places them."""
    _lock_idle(plan)
    deleted, _counts = Exclusion.objects.filter(
        plan=plan, employment=employment
    ).delete()
    if not deleted:
        raise RolloutError(_("The manager is not left out of this rollout."))


def start_planning(
    plan: RolloutPlan, *, actor: Person, keep_placed: bool = False
) -> RolloutPlan:
    """Queue the engine for the plan; the page polls `progress`."""
    from ..tasks import plan_rollout_task

    with transaction.atomic():
        plan = RolloutPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.is_running:
            raise RolloutError(_("Planning is already running."))
        if not active_employments(plan.organisation_id).exists():
            raise RolloutError(_("Import the organisation's managers first."))
        plan.run_status = RunStatus.QUEUED
        plan.progress = 0
        plan.message = _("Waiting for the planner to start.")
        plan.run_updated_at = timezone.now()
        plan.save(update_fields=["run_status", "progress", "message", "run_updated_at"])
        transaction.on_commit(lambda: plan_rollout_task.enqueue(plan.pk, keep_placed))
    return plan


def _progress(plan: RolloutPlan, status: str, progress: int, message: object) -> None:
    plan.run_status, plan.progress, plan.message = status, progress, str(message)
    plan.run_updated_at = timezone.now()
    RolloutPlan.objects.filter(pk=plan.pk).update(
        run_status=status,
        progress=progress,
        message=str(message)[:2000],
        run_updated_at=plan.run_updated_at,
    )


def run_planning(
    plan_id: int,
    *,
    keep_placed: bool = False,
    iterations: int | None = None,
    time_limit: float = 8.0,
    today: dt.date | None = None,
) -> RolloutPlan:
    """The background task's work: read, run matching.planning, save.
    Cohorts that start on or before `today` (default: today) have started."""
    today = today or timezone.localdate()
    plan = RolloutPlan.objects.select_related("organisation").get(pk=plan_id)
    _progress(plan, RunStatus.RUNNING, 5, _("Reading managers and cohorts."))
    try:
        managers, slots, people = _engine_input(plan, keep_placed, today)
        _progress(
            plan,
            RunStatus.RUNNING,
            20,
            _("Placing %(managers)s in %(cohorts)s.")
            % _managers_in_cohorts(len(managers), len(slots)),
        )
        result = _plan_keeping_what_may_stay(
            plan,
            managers,
            slots,
            kept=_kept(plan, managers) if keep_placed else set(),
            time_limit=time_limit,
            iterations=iterations,
        )
    except PlanningInfeasible as error:
        message = _infeasible_message(error, people, managers, slots)
        _progress(plan, RunStatus.FAILED, 100, message)
        return plan
    except ValueError as error:
        _progress(plan, RunStatus.FAILED, 100, error)
        return plan
    except Exception:
        logger.exception("Planning rollout %s failed", plan_id)
        _progress(plan, RunStatus.FAILED, 100, _("Planning failed unexpectedly."))
        raise
    _progress(plan, RunStatus.RUNNING, 90, _("Saving the plan."))
    _save_result(plan, result, people, today)
    _progress(
        plan,
        RunStatus.DONE,
        100,
        _("Planned %(managers)s in %(cohorts)s.")
        % _managers_in_cohorts(len(managers), len(slots)),
    )
    return plan


def _managers_in_cohorts(managers: int, cohorts: int) -> dict[str, str]:
    """The two counts of a planning message, each with its own plural."""
    return {
        "managers": ngettext("%(count)s manager", "%(count)s managers", managers)
        % {"count": managers},
        "cohorts": npgettext(
            "placed in", "%(count)s cohort", "%(count)s cohorts", cohorts
        )
        % {"count": cohorts},
    }


def _engine_input(
    plan: RolloutPlan, keep_placed: bool, today: dt.date
) -> tuple[list[Manager], list[CohortSlot], dict[int, Employment]]:
    cohorts = sorted(plan.cohorts.all(), key=lambda c: (c.starts_on, c.number))
    started = {c.pk for c in cohorts if c.has_started(today)}
    placements = {
        p.employment_id: p
        for p in plan.placements.prefetch_related("barred").select_related(
            "rollout_cohort"
        )
    }
    people = {
        e.pk: e for e in plan_employments(plan).with_manager().select_related("person")
    }
    members: dict[int, list[int]] = {c.pk: [] for c in cohorts}
    published = {c.pk for c in cohorts if c.cohort_id}
    for employment_id, placement in placements.items():
        cohort_id = placement.rollout_cohort_id
        # Only published cohorts have really started; their members stay.
        if cohort_id in started and cohort_id in published:
            members[cohort_id].append(employment_id)
    slots = [
        CohortSlot(
            id=c.pk,
            capacity=c.capacity,
            order=c.starts_on.toordinal(),
            started=c.pk in started,
            members=tuple(members[c.pk]),
        )
        for c in cohorts
    ]
    managers: list[Manager] = []
    for employment in people.values():
        placed = placements.get(employment.pk)
        pinned: int | None = None
        barred: frozenset[Hashable] = frozenset()
        if placed is not None:
            current = placed.rollout_cohort_id
            movable = current is not None and current not in started
            if movable and (placed.pinned or keep_placed):
                pinned = current
            barred = frozenset(c.pk for c in placed.barred.all() if c.pk not in started)
        managers.append(
            Manager(
                id=employment.pk,
                unit=employment.person.unit_id
                or f"department-{employment.department_id}",
                department=employment.department_id,
                manager_id=employment.manager_id,
                pinned=pinned,
                barred=barred,
            )
        )
    return managers, slots, people


def _kept(plan: RolloutPlan, managers: list[Manager]) -> set[Hashable]:
    """Managers pinned only because the run keeps the placed (not HR's pins)."""
    hr_pins = set(
        plan.placements.filter(pinned=True).values_list("employment", flat=True)
    )
    return {m.id for m in managers if m.pinned is not None and m.id not in hr_pins}


def _plan_keeping_what_may_stay(
    plan: RolloutPlan,
    managers: list[Manager],
    slots: list[CohortSlot],
    *,
    kept: set[Hashable],
    time_limit: float,
    iterations: int | None,
) -> CohortPlan:
    """Run the engine; when a place kept from before now breaks one of its hard
    rules (a unit shrank after leavers, a new own manager after a re-import),
    free one kept person named in each conflict and ask again, so only those
    who must move do. The engine decides what breaks a rule; nothing is
    restated here. Raises PlanningInfeasible when freeing cannot help."""
    managers = list(managers)
    for _attempt in range(len(kept) + 1):
        try:
            return plan_cohorts(
                managers,
                slots,
                max_unit_share=float(plan.max_unit_share),
                seed=plan.seed,
                time_limit=time_limit,
                iterations=iterations,
            )
        except PlanningInfeasible as error:
            freed: set[Hashable] = set()
            for conflict in error.conflicts:
                candidates = sorted(
                    (p for p in conflict.people if p in kept), key=str, reverse=True
                )
                if candidates:
                    freed.add(candidates[0])
            if not freed:
                raise
            kept -= freed
            managers = [
                replace(m, pinned=None) if m.id in freed else m for m in managers
            ]
    raise AssertionError("unreachable: every kept person was freed")


RULE_LABELS = {
    "capacity": gettext_lazy("Too few places"),
    "unit_share": gettext_lazy("Unit share"),
    "own_manager": gettext_lazy("Own manager in the same cohort"),
    "pin": gettext_lazy("Pinned managers"),
    "bars": gettext_lazy("Barred managers"),
    "combination": gettext_lazy("Rules that cannot all hold"),
}


def _missing_places(
    managers: Sequence[Manager], slots: Sequence[CohortSlot]
) -> tuple[int, list[str]]:
    """Places missing in the cohorts that have not started, and their names."""
    started = {m for slot in slots if slot.started for m in slot.members}
    to_place = sum(1 for m in managers if m.id not in started)
    open_slots = [slot for slot in slots if not slot.started]
    missing = to_place - sum(slot.capacity for slot in open_slots)
    names = RolloutCohort.objects.filter(pk__in=[s.id for s in open_slots])
    return missing, [str(c) for c in names]


def _infeasible_message(
    error: PlanningInfeasible,
    people: dict[int, Employment],
    managers: Sequence[Manager] = (),
    slots: Sequence[CohortSlot] = (),
) -> str:
    parts: list[str] = []
    missing, open_names = _missing_places(managers, slots)
    if missing > 0:
        shown = ", ".join(open_names[:6]) + (" …" if len(open_names) > 6 else "")
        need = ngettext(
            "%(count)s place is missing: add a cohort or raise the capacity of "
            "%(cohorts)s.",
            "%(count)s places are missing: add a cohort or raise the capacity of "
            "%(cohorts)s.",
            missing,
        ) % {
            "count": missing,
            "cohorts": shown or _("a cohort that has not started"),
        }
        return f"{RULE_LABELS['capacity']} – {need}"
    for conflict in error.conflicts:
        names = [
            people[p].employee_id if p in people else str(p) for p in conflict.people
        ]
        shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
        label = RULE_LABELS.get(conflict.rule, conflict.rule)
        parts.append(f"{label}: {shown}" if shown else str(label))
    summary = "; ".join(parts)
    return _(
        "No plan keeps every rule (%(summary)s). Add cohorts or places, raise the "
        "unit share, or remove pins and bars."
    ) % {"summary": summary}


@transaction.atomic
def _save_result(
    plan: RolloutPlan, result: CohortPlan, people: dict[int, Employment], today: dt.date
) -> None:
    placements = {p.employment_id: p for p in plan.placements.all()}
    changed: list[Placement] = []
    new: list[Placement] = []
    # The engine's ids are the ones it was given: employment and cohort keys.
    assignment = cast(dict[int, int], result.assignment)
    for employment_id, cohort_id in assignment.items():
        placement = placements.pop(employment_id, None)
        if placement is None:
            new.append(
                Placement(
                    plan=plan, employment_id=employment_id, rollout_cohort_id=cohort_id
                )
            )
        elif placement.rollout_cohort_id != cohort_id:
            placement.rollout_cohort_id = cohort_id
            changed.append(placement)
    Placement.objects.bulk_create(new, batch_size=500)
    Placement.objects.bulk_update(changed, ["rollout_cohort"], batch_size=500)
    leftover = [
        p.pk
        for p in placements.values()
        if p.rollout_cohort is None or not p.rollout_cohort.has_started(today)
    ]
    Placement.objects.filter(pk__in=leftover).delete()
    plan.result = {
        "mix_score": result.mix_score,
        "population_mix": result.population_mix,
        "mix_upper_bound": result.mix_upper_bound,
        "precede_count": result.precede_count,
        "without_manager": result.without_manager,
        "not_preceded": [
            {
                "employee_id": _eid(people, item.manager_id),
                "manager_employee_id": _eid(people, item.own_manager_id),
                "reason": item.reason,
            }
            for item in result.not_preceded
        ],
        "rules": [
            {"rule": r.rule, "holds": r.holds, "detail": r.detail} for r in result.rules
        ],
        "iterations": result.iterations,
        "stopped_by_time_limit": result.stopped_by_time_limit,
    }
    RolloutPlan.objects.filter(pk=plan.pk).update(result=plan.result)


def _eid(people: dict[int, Employment], pk: Hashable) -> str:
    return people[pk].employee_id if pk in people else str(pk)


# Changes by hand ------------------------------------------------------------


def placement_problems(
    plan: RolloutPlan,
    employment: Employment,
    target: RolloutCohort,
    *,
    today: dt.date | None = None,
) -> list[str]:
    """Why `employment` may not go into `target`, as sentences (none: it may).
    The rules are the engine's (`matching.planning.placement_conflicts`, the
    ones the planner keeps: started cohorts, bars, capacity, own manager and
    reports, the unit share); this says them."""
    today = today or timezone.localdate()
    managers, slots, assignment = _placement_input(plan, today)
    if all(m.id != employment.pk for m in managers):
        return [str(_("The manager is left out of this rollout."))]
    conflicts = placement_conflicts(
        managers,
        slots,
        assignment,
        employment.pk,
        target.pk,
        max_unit_share=float(plan.max_unit_share),
    )
    person = employment.person
    words = {
        "started": lambda c: _("%(cohort)s has started.") % {"cohort": target},
        "in_started": lambda c: (
            _("%(person)s is in a cohort that has started.") % {"person": person}
        ),
        "barred": lambda c: (
            _("%(person)s is barred from %(cohort)s.")
            % {"person": person, "cohort": target}
        ),
        "capacity": lambda c: (
            _("%(cohort)s is full (%(capacity)s managers).")
            % {"cohort": target, "capacity": c.limit}
        ),
        "own_manager": lambda c: (
            _("%(person)s's own manager is in %(cohort)s.")
            % {"person": person, "cohort": target}
        ),
        "report": lambda c: (
            _("Someone who reports to %(person)s is in %(cohort)s.")
            % {"person": person, "cohort": target}
        ),
        "unit_share": lambda c: (
            _(
                "%(cohort)s already has %(limit)s of the unit's %(size)s managers, "
                "the most the unit share allows."
            )
            % {"cohort": target, "limit": c.limit, "size": c.unit_size}
        ),
    }
    return [str(words[c.rule](c)) for c in conflicts]


def _placement_input(
    plan: RolloutPlan, today: dt.date
) -> tuple[list[Manager], list[CohortSlot], dict[Hashable, Hashable]]:
    """The plan as the engine's placement check sees it: every manager of the
    plan (unit, own manager, bars), the cohorts (started or not, capacity) and
    who is placed where now."""
    placements = {
        p.employment_id: p
        for p in plan.placements.prefetch_related("barred").filter(
            employment__in=plan_employments(plan)
        )
    }
    managers = [
        Manager(
            id=e.pk,
            unit=e.person.unit_id or f"department-{e.department_id}",
            department=e.department_id,
            manager_id=e.manager_id,
            barred=frozenset(c.pk for c in placements[e.pk].barred.all())
            if e.pk in placements
            else frozenset(),
        )
        for e in plan_employments(plan)
        .with_manager()
        .select_related("person")
        .only("pk", "department_id", "person", "person__unit_id")
    ]
    slots = [
        CohortSlot(
            id=c.pk,
            capacity=c.capacity,
            order=c.starts_on.toordinal(),
            started=c.has_started(today),
        )
        for c in plan.cohorts.all()
    ]
    assignment: dict[Hashable, Hashable] = {
        pk: p.rollout_cohort_id
        for pk, p in placements.items()
        if p.rollout_cohort_id is not None
    }
    return managers, slots, assignment


@transaction.atomic
def move(
    plan: RolloutPlan,
    employment: Employment,
    target: RolloutCohort,
    *,
    actor: Person,
    pin: bool = False,
    today: dt.date | None = None,
) -> Placement:
    """Put a manager in another cohort of the plan, keeping the hard rules."""
    plan = RolloutPlan.objects.select_for_update().get(pk=plan.pk)
    _check_can_adjust(plan, employment, target)
    problems = placement_problems(plan, employment, target, today=today)
    if problems:
        raise RolloutError(" ".join(problems))
    placement, _created = Placement.objects.get_or_create(
        plan=plan, employment=employment
    )
    placement.rollout_cohort = target
    placement.pinned = placement.pinned or pin
    placement.save(update_fields=["rollout_cohort", "pinned"])
    return placement


@transaction.atomic
def set_pin(
    plan: RolloutPlan, employment: Employment, *, actor: Person, pinned: bool
) -> Placement:
    """Pin a manager to their cohort (a re-plan keeps them there) or unpin."""
    placement = _placement(plan, employment)
    if pinned and placement.rollout_cohort_id is None:
        raise RolloutError(_("Place the manager in a cohort before pinning them."))
    placement.pinned = pinned
    placement.save(update_fields=["pinned"])
    return placement


@transaction.atomic
def set_bar(
    plan: RolloutPlan,
    employment: Employment,
    cohort: RolloutCohort,
    *,
    actor: Person,
    barred: bool,
) -> Placement:
    """Keep a manager out of a cohort (leave, a known absence), or allow it."""
    _check_can_adjust(plan, employment, cohort)
    placement, _created = Placement.objects.get_or_create(
        plan=plan, employment=employment
    )
    if barred and placement.rollout_cohort_id == cohort.pk:
        raise RolloutError(
            _(
                "%(person)s is in %(cohort)s. Move them to another cohort first, "
                "or bar and plan again."
            )
            % {"person": employment.person, "cohort": cohort}
        )
    if barred:
        placement.barred.add(cohort)
    else:
        placement.barred.remove(cohort)
    return placement


def _lock_idle(plan: RolloutPlan) -> RolloutPlan:
    """Lock the plan; refuse while the planner may be writing placements."""
    plan = RolloutPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_running:
        raise RolloutError(_("Wait until planning has finished."))
    return plan


def _placement(plan: RolloutPlan, employment: Employment) -> Placement:
    placement = plan.placements.filter(employment=employment).first()
    if placement is None:
        raise RolloutError(_("The manager has no cohort in this plan yet."))
    return placement


def _check_can_adjust(
    plan: RolloutPlan, employment: Employment, cohort: RolloutCohort
) -> None:
    if plan.is_running:
        raise RolloutError(_("Wait until planning has finished."))
    if cohort.plan_id != plan.pk:
        raise RolloutError(_("That cohort belongs to another plan."))
    if employment.organisation_id != plan.organisation_id or employment.left_on:
        raise RolloutError(_("The manager is not in the organisation."))
