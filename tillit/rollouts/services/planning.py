"""Making a rollout plan: cohorts and their days, the engine in the background,
and HR's changes by hand under the same hard rules."""

import datetime as dt
import logging
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from matching.planning import CohortSlot, Manager, PlanningInfeasible, plan_cohorts

from ..models import Employment, Placement, RolloutCohort, RolloutPlan
from .errors import RolloutError

logger = logging.getLogger(__name__)
RunStatus = RolloutPlan.RunStatus
#: Spare places when the number of cohorts is derived, for new managers.
SPARE_SHARE = 0.05


def active_employments(organisation):
    return Employment.objects.filter(organisation=organisation, left_on__isnull=True)


def generate_dates(starts_on, ends_on, count, days, weeks_between):
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
    result = []
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


def _weekday(day):
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def derived_cohort_count(organisation, cohort_size):
    managers = active_employments(organisation).count()
    return max(1, math.ceil(managers * (1 + SPARE_SHARE) / cohort_size))


@transaction.atomic
def create_plan(
    organisation,
    *,
    actor,
    programme,
    name,
    starts_on,
    ends_on,
    cohort_size,
    max_unit_share,
    cohort_count=None,
    days_per_cohort=5,
    weeks_between_days=3,
    location="",
):
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
def update_cohort_days(rollout_cohort, *, actor, dates, capacity, today=None):
    """Change a cohort's programme days and size before it is published."""
    today = today or timezone.localdate()
    if rollout_cohort.cohort_id:
        raise RolloutError(
            _("This cohort is published; change its sessions on the cohort page.")
        )
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
    rollout_cohort.dates = [day.isoformat() for day in dates]
    rollout_cohort.capacity = capacity
    rollout_cohort.save(update_fields=["dates", "capacity"])
    return rollout_cohort


def start_planning(plan, *, actor, keep_placed=False):
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


def _progress(plan, status, progress, message):
    plan.run_status, plan.progress, plan.message = status, progress, str(message)
    plan.run_updated_at = timezone.now()
    RolloutPlan.objects.filter(pk=plan.pk).update(
        run_status=status,
        progress=progress,
        message=str(message)[:2000],
        run_updated_at=plan.run_updated_at,
    )


def run_planning(
    plan_id, *, keep_placed=False, iterations=None, time_limit=8.0, today=None
):
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
            _("Placing %(managers)s managers in %(cohorts)s cohorts.")
            % {"managers": len(managers), "cohorts": len(slots)},
        )
        result = plan_cohorts(
            managers,
            slots,
            max_unit_share=float(plan.max_unit_share),
            seed=plan.seed,
            time_limit=time_limit,
            iterations=iterations,
        )
    except PlanningInfeasible as error:
        _progress(plan, RunStatus.FAILED, 100, _infeasible_message(error, people))
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
        _("Planned %(managers)s managers in %(cohorts)s cohorts.")
        % {"managers": len(managers), "cohorts": len(slots)},
    )
    return plan


def _engine_input(plan, keep_placed, today):
    cohorts = sorted(plan.cohorts.all(), key=lambda c: (c.starts_on, c.number))
    started = {c.pk for c in cohorts if c.has_started(today)}
    placements = {
        p.employment_id: p
        for p in plan.placements.prefetch_related("barred").select_related(
            "rollout_cohort"
        )
    }
    people = {
        e.pk: e
        for e in active_employments(plan.organisation_id).select_related("person")
    }
    members = {c.pk: [] for c in cohorts}
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
    managers = []
    for employment in people.values():
        placement = placements.get(employment.pk)
        pinned, barred = None, frozenset()
        if placement is not None:
            current = placement.rollout_cohort_id
            movable = current is not None and current not in started
            if movable and (placement.pinned or keep_placed):
                pinned = current
            barred = frozenset(
                c.pk for c in placement.barred.all() if c.pk not in started
            )
        managers.append(
            Manager(
                id=employment.pk,
                unit=employment.unit_id or f"department-{employment.department_id}",
                department=employment.department_id,
                manager_id=employment.manager_id,
                pinned=pinned,
                barred=barred,
            )
        )
    return managers, slots, people


RULE_LABELS = {
    "capacity": gettext_lazy("Too few places"),
    "unit_share": gettext_lazy("Unit share"),
    "own_manager": gettext_lazy("Own manager in the same cohort"),
    "pin": gettext_lazy("Pinned managers"),
    "bars": gettext_lazy("Barred managers"),
    "combination": gettext_lazy("Rules that cannot all hold"),
}


def _infeasible_message(error, people):
    parts = []
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
def _save_result(plan, result, people, today):
    placements = {p.employment_id: p for p in plan.placements.all()}
    changed, new = [], []
    for employment_id, cohort_id in result.assignment.items():
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


def _eid(people, pk):
    return people[pk].employee_id if pk in people else str(pk)


# Changes by hand ------------------------------------------------------------


def unit_limit(plan, unit_size):
    return max(1, math.floor(float(plan.max_unit_share) * unit_size + 1e-9))


def placement_problems(plan, employment, target, *, today=None):
    """Why `employment` may not go into `target`, as sentences (none: it may).
    Checks the hard rules: started cohorts, bars, capacity, own manager and
    reports, the unit share."""
    today = today or timezone.localdate()
    problems = []
    placement = plan.placements.filter(employment=employment).first()
    if target.has_started(today):
        problems.append(_("%(cohort)s has started.") % {"cohort": target})
    if (
        placement
        and placement.rollout_cohort
        and placement.rollout_cohort.has_started(today)
    ):
        problems.append(
            _("%(person)s is in a cohort that has started.")
            % {"person": employment.person}
        )
    if placement and placement.barred.filter(pk=target.pk).exists():
        problems.append(
            _("%(person)s is barred from %(cohort)s.")
            % {"person": employment.person, "cohort": target}
        )
    others = Placement.objects.filter(rollout_cohort=target).exclude(
        employment=employment
    )
    if others.count() >= target.capacity:
        problems.append(
            _("%(cohort)s is full (%(capacity)s managers).")
            % {"cohort": target, "capacity": target.capacity}
        )
    if (
        employment.manager_id
        and others.filter(employment=employment.manager_id).exists()
    ):
        problems.append(
            _("%(person)s's own manager is in %(cohort)s.")
            % {"person": employment.person, "cohort": target}
        )
    if others.filter(employment__manager=employment).exists():
        problems.append(
            _("Someone who reports to %(person)s is in %(cohort)s.")
            % {"person": employment.person, "cohort": target}
        )
    unit_field = "unit" if employment.unit_id else "department"
    unit_value = getattr(employment, f"{unit_field}_id")
    unit_size = (
        active_employments(plan.organisation_id)
        .filter(**{unit_field: unit_value})
        .count()
    )
    limit = unit_limit(plan, unit_size)
    if others.filter(**{f"employment__{unit_field}": unit_value}).count() >= limit:
        problems.append(
            _(
                "%(cohort)s already has %(limit)s of the unit's %(size)s managers, "
                "the most the unit share allows."
            )
            % {"cohort": target, "limit": limit, "size": unit_size}
        )
    return [str(problem) for problem in problems]


@transaction.atomic
def move(plan, employment, target, *, actor, pin=False, today=None):
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
def set_pin(plan, employment, *, actor, pinned):
    """Pin a manager to their cohort (a re-plan keeps them there) or unpin."""
    placement = _placement(plan, employment)
    if pinned and placement.rollout_cohort_id is None:
        raise RolloutError(_("Place the manager in a cohort before pinning them."))
    placement.pinned = pinned
    placement.save(update_fields=["pinned"])
    return placement


@transaction.atomic
def set_bar(plan, employment, cohort, *, actor, barred):
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


def _placement(plan, employment):
    placement = plan.placements.filter(employment=employment).first()
    if placement is None:
        raise RolloutError(_("The manager has no cohort in this plan yet."))
    return placement


def _check_can_adjust(plan, employment, cohort):
    if plan.is_running:
        raise RolloutError(_("Wait until planning has finished."))
    if cohort.plan_id != plan.pk:
        raise RolloutError(_("That cohort belongs to another plan."))
    if employment.organisation_id != plan.organisation_id or employment.left_on:
        raise RolloutError(_("The manager is not in the organisation."))
