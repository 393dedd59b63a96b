"""Asking the engine for a proposal, and the facilitator's moves by hand.

Small pools (up to `inline_limit()` people) are formed inline within a
second; larger ones run as a background task (django.tasks) that stores its
progress on the round's `Proposal` row, so the facilitator can leave the page
and come back. Both paths call `run_proposal`.

Moves by hand keep the hard rules about people: at most k from one
organisation in a group, a manager apart from their own manager, continuing
groups whole. A move that breaks one is refused with the reason. Group sizes
are the exception: a move may take a group above the largest or below the
smallest size (otherwise nobody could move when every group is full); the
group and the size rule are then flagged on the proposal page.
"""

import logging
import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching import (
    ConflictError,
    Grouping,
    Person,
    WayOut,
    form_groups,
    move_conflicts,
    ways_out,
)
from tillit.core.models import Organisation
from tillit.core.models import Person as PersonModel

from ..models import Application, GroupRound, Proposal
from .errors import GroupsError

logger = logging.getLogger(__name__)
Status = Proposal.Status

#: The attributes the engine mixes, and the round's weight field of each.
WEIGHT_FIELDS = {
    "branch": "weight_branch",
    "organisation": "weight_organisation",
    "sector": "weight_sector",
    "region": "weight_region",
    "role": "weight_role",
    "years": "weight_years",
}


def inline_limit() -> int:
    """Pools up to this size are formed inline, larger ones in the background."""
    return getattr(settings, "TILLIT_GROUPS_INLINE_LIMIT", 200)


def inline_seconds() -> float:
    return min(1.0, getattr(settings, "TILLIT_GROUPS_INLINE_SECONDS", 0.8))


def background_seconds(people: int) -> float:
    """The engine's time for a large pool: 2-20 s, about 1 s per 500 people."""
    fixed = getattr(settings, "TILLIT_GROUPS_BACKGROUND_SECONDS", None)
    return fixed if fixed is not None else min(20.0, max(2.0, people / 500))


def weights(round_: GroupRound) -> dict[str, float]:
    return {name: getattr(round_, field) for name, field in WEIGHT_FIELDS.items()}


def max_per(round_: GroupRound) -> dict[str, int]:
    limit = round_.max_per_organisation
    return {"organisation": limit} if limit else {}


def _regions() -> dict[str, str]:
    """SCB county code -> the region's name, for municipalities and regions."""
    return dict(
        Organisation.objects.filter(
            country=Organisation.Country.SWEDEN, kind=Organisation.Kind.REGION
        )
        .exclude(code="")
        .values_list("code", "name")
    )


def _region(
    application: Application,
    organisation: Organisation | None,
    regions: dict[str, str],
) -> str:
    if application.region:
        return application.region
    if organisation is None or not organisation.code:
        return ""
    return regions.get(organisation.code[:2], "")


def pool_snapshot(round_: GroupRound) -> tuple[dict[str, Any], dict[str, str]]:
    """What the engine sees of the round's pool, as JSON: people (id ->
    attributes), continuing groups to keep whole and pairs to keep apart."""
    applications = (
        round_.applications.filter(
            status=Application.Status.ACCEPTED, person__is_active=True
        )
        .select_related("person__organisation", "continuing_group")
        .order_by("pk")
    )
    regions = _regions()
    people: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    managers: dict[str, str | None] = {}
    kept: dict[int, dict[str, Any]] = {}
    for application in applications:
        person = application.person
        org = person.organisation
        pid = str(person.pk)
        people[pid] = {
            "branch": org.sector if org else "",
            "organisation": org.name if org else f"– #{person.pk}",
            "sector": org.kind if org else "",
            "region": _region(application, org, regions),
            "role": person.role_category,
            "years": application.years_as_manager,
        }
        names[pid] = f"{person.get_full_name()} #{person.pk}"
        managers[pid] = str(person.manager_id) if person.manager_id else None
        group = application.continuing_group
        if round_.keep_continuing and group is not None:
            kept.setdefault(
                group.pk, {"group": group.pk, "name": str(group), "members": []}
            )["members"].append(pid)
    apart: list[list[str]] = []
    if round_.keep_managers_apart:
        apart = [[pid, m] for pid, m in managers.items() if m and m in people]
    return {
        "people": people,
        "kept": list(kept.values()),
        "apart": apart,
        "weights": weights(round_),
        "max_per": max_per(round_),
        "sizes": [round_.min_size, round_.max_size],
    }, names


def _progress(proposal: Proposal, status: str, progress: int, message: object) -> None:
    proposal.status, proposal.progress = status, progress
    proposal.message = str(message)[:2000]
    proposal.updated_at = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(
        status=status,
        progress=progress,
        message=proposal.message,
        updated_at=proposal.updated_at,
    )


def request_proposal(round_: GroupRound, *, actor: PersonModel) -> Proposal:
    """Ask the engine for a proposal for the round's pool.

    Up to `inline_limit()` people the proposal is made at once (under a
    second); a larger pool is queued for the worker and the returned proposal
    is QUEUED. Raises GroupsError when the round is published, the pool is
    empty, or a run is going on."""
    from ..tasks import propose_groups_task

    with transaction.atomic():
        round_ = GroupRound.objects.select_for_update().get(pk=round_.pk)
        if round_.is_published:
            raise GroupsError(_("The groups are published."))
        size = round_.applications.filter(
            status=Application.Status.ACCEPTED, person__is_active=True
        ).count()
        if size == 0:
            raise GroupsError(_("The pool is empty: accept some applications first."))
        proposal, _created = Proposal.objects.select_for_update().get_or_create(
            round=round_
        )
        if not _created and proposal.is_running:
            raise GroupsError(_("The groups are being formed; wait for the proposal."))
        proposal.seed += 0 if _created else 1
        proposal.requested_by = actor
        proposal.save(update_fields=["seed", "requested_by"])
        _progress(proposal, Status.QUEUED, 0, _("Waiting for the engine to start."))
        inline = size <= inline_limit()
        if not inline:
            transaction.on_commit(lambda: propose_groups_task.enqueue(proposal.pk))
    if inline:
        return run_proposal(proposal.pk, time_limit=inline_seconds())
    return proposal


def run_proposal(
    proposal_id: int,
    *,
    time_limit: float | None = None,
    iterations: int | None = None,
) -> Proposal:
    """The engine's run for a proposal (inline, or the background task's work):
    read the pool, call matching.form_groups, store the result and progress.

    A conflict between the rules is stored as a FAILED proposal with the
    engine's reasons, never raised."""
    proposal = Proposal.objects.select_related("round").get(pk=proposal_id)
    round_ = proposal.round
    _progress(proposal, Status.RUNNING, 5, _("Reading the pool."))
    try:
        pool, names = pool_snapshot(round_)
        people = pool["people"]
        seconds = time_limit or background_seconds(len(people))
        _progress(
            proposal,
            Status.RUNNING,
            15,
            _(
                "Forming groups of %(people)s people; this takes about "
                "%(seconds)s seconds."
            )
            % {"people": len(people), "seconds": math.ceil(seconds)},
        )
        result = form_groups(
            [Person(names[pid], attrs) for pid, attrs in people.items()],
            sizes=tuple(pool["sizes"]),
            mix=pool["weights"],
            max_per=pool["max_per"],
            keep_together=[[names[m] for m in s["members"]] for s in pool["kept"]],
            apart=[(names[a], names[b]) for a, b in pool["apart"]],
            seed=proposal.seed,
            time_limit=seconds,
            threads=1,
            iterations=iterations,
        )
    except ConflictError as error:
        _save_conflict(proposal, pool, names, error, seconds, iterations)
        return proposal
    except ValueError as error:
        # Malformed input: logged in English, shown as a reason in words.
        logger.warning(
            "Proposal %s: the engine refused the input: %s", proposal_id, error
        )
        proposal.engine = {"reasons": [{"code": "input", "details": {}}]}
        proposal.save(update_fields=["engine"])
        _progress(proposal, Status.FAILED, 100, "")
        return proposal
    except Exception:
        logger.exception("Forming groups for proposal %s failed", proposal_id)
        _progress(proposal, Status.FAILED, 100, _("Forming the groups failed."))
        raise
    _progress(proposal, Status.RUNNING, 90, _("Saving the proposal."))
    _save(proposal, pool, names, result)
    return proposal


def _save_conflict(
    proposal: Proposal,
    pool: dict[str, Any],
    names: dict[str, str],
    error: ConflictError,
    seconds: float,
    iterations: int | None,
) -> None:
    """Store why the rules cannot all hold (the engine's codes and figures,
    worded when shown, in the reader's language) and, when continuing groups
    are kept, the engine's ways out, each with the grouping it yields."""
    options: tuple[WayOut, ...] = ()
    if pool["kept"]:
        options = ways_out(
            [Person(names[pid], attrs) for pid, attrs in pool["people"].items()],
            sizes=tuple(pool["sizes"]),
            keep_together=[[names[m] for m in s["members"]] for s in pool["kept"]],
            mix=pool["weights"],
            max_per=pool["max_per"],
            apart=[(names[a], names[b]) for a, b in pool["apart"]],
            seed=proposal.seed,
            time_limit=seconds,
            iterations=iterations,
        )
    pid_of = {engine_id: pid for pid, engine_id in names.items()}
    proposal.pool = pool
    proposal.assignment = {}
    proposal.engine = {
        "reasons": [
            {"code": r.code, "details": _plain(r.details, pid_of)}
            for r in error.reasons
        ],
        "ways_out": [_way_out(way, pool, pid_of) for way in options],
    }
    proposal.moves = 0
    proposal.status = Status.FAILED
    proposal.progress = 100
    proposal.message = ""
    proposal.updated_at = timezone.now()
    proposal.save()


def _plain(value: Any, pid_of: dict[str, str]) -> Any:
    """The engine's figures as JSON, engine ids back to person ids."""
    if isinstance(value, dict):
        return {str(k): _plain(v, pid_of) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, pid_of) for v in value]
    if isinstance(value, str):
        return pid_of.get(value, value)
    return value


def _way_out(
    way: WayOut, pool: dict[str, Any], pid_of: dict[str, str]
) -> dict[str, Any]:
    kept = pool["kept"]
    result = way.grouping
    return {
        "kind": way.kind,
        "sizes": list(way.sizes),
        "kept": [
            {**kept[origin], "members": [pid_of[m] for m in members]}
            for members, origin in zip(way.keep_together, way.kept_from, strict=True)
        ],
        "volunteers": [pid_of[v] for v in way.volunteers],
        "split": None if way.split is None else kept[way.split]["group"],
        "assignment": {pid_of[i]: g for i, g in result.assignment.items()},
        "groups": len(result.groups),
        "objective": round(result.objective, 6),
        "upper_bound": None
        if result.upper_bound is None
        else round(result.upper_bound, 6),
        "seconds": round(result.seconds, 3),
        "rules": [
            {"rule": r.rule, "achieved": r.achieved, "satisfied": r.satisfied}
            for r in result.rules
        ],
    }


@transaction.atomic
def choose_way_out(round_: GroupRound, *, actor: PersonModel, number: int) -> Proposal:
    """Make the proposal from the engine's way out `number` (1-based): its
    groups become the proposal, its sizes and continuing groups the rules the
    page checks and moves keep. Refused when the round is published, the
    proposal has no such way out, or the pool changed since."""
    proposal = (
        Proposal.objects.select_for_update().select_related("round").get(round=round_)
    )
    if proposal.round.is_published:
        raise GroupsError(_("The groups are published."))
    options = proposal.engine.get("ways_out", []) if proposal.engine else []
    if proposal.status != Status.FAILED or not 1 <= number <= len(options):
        raise GroupsError(
            _("That way forward is no longer offered; form the groups again.")
        )
    pool = set(
        str(pk)
        for pk in proposal.round.applications.filter(
            status=Application.Status.ACCEPTED, person__is_active=True
        ).values_list("person_id", flat=True)
    )
    if pool != set(proposal.pool.get("people", {})):
        raise GroupsError(
            _("The pool has changed since the proposal: form the groups again.")
        )
    option = options[number - 1]
    proposal.pool = {**proposal.pool, "sizes": option["sizes"], "kept": option["kept"]}
    proposal.assignment = option["assignment"]
    proposal.engine = {
        "groups": option["groups"],
        "objective": option["objective"],
        "upper_bound": option["upper_bound"],
        "seconds": option["seconds"],
        "rules": option["rules"],
        "way_out": option["kind"],
    }
    proposal.moves = 0
    proposal.status = Status.DONE
    proposal.progress = 100
    proposal.message = _("%(people)s people in %(groups)s groups.") % {
        "people": len(proposal.assignment),
        "groups": option["groups"],
    }
    proposal.requested_by = actor
    proposal.updated_at = timezone.now()
    proposal.save()
    return proposal


def _save(
    proposal: Proposal, pool: dict[str, Any], names: dict[str, str], result: Grouping
) -> None:
    pid_of = {engine_id: pid for pid, engine_id in names.items()}
    proposal.pool = pool
    proposal.assignment = {pid_of[i]: g for i, g in result.assignment.items()}
    proposal.engine = {
        "groups": len(result.groups),
        "objective": round(result.objective, 6),
        "upper_bound": None
        if result.upper_bound is None
        else round(result.upper_bound, 6),
        "seconds": round(result.seconds, 3),
        "rules": [
            {"rule": r.rule, "achieved": r.achieved, "satisfied": r.satisfied}
            for r in result.rules
        ],
    }
    proposal.moves = 0
    proposal.status = Status.DONE
    proposal.progress = 100
    proposal.message = _("%(people)s people in %(groups)s groups.") % {
        "people": len(proposal.assignment),
        "groups": len(result.groups),
    }
    proposal.updated_at = timezone.now()
    proposal.save()


# Moves by hand -------------------------------------------------------------------


def move_problems(proposal: Proposal, pid: str, target: int) -> list[str]:
    """Why person `pid` may not go to group index `target`, as sentences.
    The rules are the engine's (`matching.move_conflicts`); this says them."""
    pool, assignment = proposal.pool, proposal.assignment
    kept = pool.get("kept", [])
    conflicts = move_conflicts(
        [Person(person_id, attrs) for person_id, attrs in pool["people"].items()],
        assignment,
        pid,
        target,
        max_per=pool.get("max_per", {}),
        keep_together=[k["members"] for k in kept],
        apart=[tuple(pair) for pair in pool.get("apart", [])],
    )
    names: dict[str, str] = {}

    def name(person_id: str) -> str:
        if person_id not in names:
            person = PersonModel.objects.filter(pk=person_id).first()
            names[person_id] = str(person) if person else person_id
        return names[person_id]

    problems: list[str] = []
    for conflict in conflicts:
        if conflict.rule == "keep_together":
            problems.append(
                _(
                    "%(person)s belongs to the continuing group %(group)s, which "
                    "stays together."
                )
                % {"person": name(pid), "group": kept[conflict.kept_set]["name"]}
            )
        elif conflict.rule == "max_per":
            problems.append(
                _(
                    "Group %(number)s already has %(count)s from %(organisation)s, "
                    "the most the round allows."
                )
                % {
                    "number": target + 1,
                    "count": conflict.count,
                    "organisation": conflict.value,
                }
            )
        elif conflict.pair is not None:  # "apart"
            report = conflict.pair[0]
            if pid == report:
                problems.append(
                    _("%(person)s's own manager is in group %(number)s.")
                    % {"person": name(pid), "number": target + 1}
                )
            else:
                problems.append(
                    _("%(other)s, who reports to %(person)s, is in group %(number)s.")
                    % {"other": name(report), "person": name(pid), "number": target + 1}
                )
    return [str(p) for p in problems]


@transaction.atomic
def move(
    round_: GroupRound, *, actor: PersonModel, person_id: int | str, group_number: int
) -> Proposal:
    """Move a person of the proposal to group `group_number` (1-based).

    Refused (GroupsError with the reasons) when it breaks a hard rule about
    people; allowed, and flagged on the page, when it takes a group outside
    the size range."""
    proposal = (
        Proposal.objects.select_for_update().select_related("round").get(round=round_)
    )
    if proposal.round.is_published:
        raise GroupsError(_("The groups are published."))
    if not proposal.is_ready or proposal.is_running:
        raise GroupsError(_("There is no proposal to change yet."))
    pid = str(person_id)
    if pid not in proposal.assignment:
        raise GroupsError(_("That person is not in the proposal."))
    target = group_number - 1
    if not 0 <= target < proposal.engine["groups"]:
        raise GroupsError(
            _("Choose a group between 1 and %(count)s.")
            % {"count": proposal.engine["groups"]}
        )
    if proposal.assignment[pid] == target:
        raise GroupsError(
            _("They are already in group %(number)s.") % {"number": group_number}
        )
    problems = move_problems(proposal, pid, target)
    if problems:
        raise GroupsError(" ".join(problems))
    proposal.assignment[pid] = target
    proposal.moves += 1
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["assignment", "moves", "updated_at"])
    return proposal
