"""Publishing a plan: the programme's cohorts, sessions and a confirmed seat for
every placed manager, in one transaction; later publishes apply only the
changes to cohorts that have not started. Follow-ups after the programme."""

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core.models import Organisation, Person
from tillit.notifications import services as notifications
from tillit.programmes import services as programme_services
from tillit.programmes.models import Cohort, Programme, Session
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration, RegistrationQuerySet

from ..models import FollowUp, RolloutCohort, RolloutPlan
from .errors import RolloutError
from .planning import active_employments, plan_employments

DAY_STARTS = dt.time(8, 30)
DAY_ENDS = dt.time(16, 30)


@dataclass
class PublishReport:
    cohorts_created: int = 0
    booked: int = 0
    cancelled: int = 0
    people: list[Person] = field(default_factory=list)


def is_hr(person: Person, organisation: Organisation) -> bool:
    return (
        person.is_authenticated
        and organisation.employer_contacts.filter(pk=person.pk).exists()
    )


def pending_changes(
    plan: RolloutPlan, *, today: dt.date | None = None
) -> tuple[int, int]:
    """(to book, to cancel): placed managers without their seat, and seats of
    people no longer placed there, in cohorts that have not started."""
    today = today or timezone.localdate()
    desired = _desired(plan, today)
    seats = _current_seats(plan, today)
    to_book = sum(
        1
        for key in ((c, p.pk) for c, people in desired.items() for p in people)
        if key not in seats
    )
    wanted = {(c, p.pk) for c, people in desired.items() for p in people}
    to_cancel = sum(1 for key in seats if key not in wanted)
    return to_book, to_cancel


def _desired(plan: RolloutPlan, today: dt.date) -> dict[int, list[Person]]:
    """rollout cohort pk -> people placed there, for cohorts not started."""
    result: dict[int, list[Person]] = {
        c.pk: [] for c in plan.cohorts.all() if not c.has_started(today)
    }
    placements = (
        plan.placements.filter(
            employment__left_on__isnull=True, rollout_cohort__isnull=False
        )
        .exclude(employment__exclusions__plan=plan)
        .select_related("employment__person")
    )
    for placement in placements:
        if placement.rollout_cohort_id in result:
            result[placement.rollout_cohort_id].append(placement.employment.person)
    return result


def _current_seats(
    plan: RolloutPlan, today: dt.date
) -> dict[tuple[int, int], Registration]:
    """(rollout cohort pk, person pk) -> registration, for cohorts not started."""
    registrations = (
        Registration.objects.active()
        .filter(cohort__rollout_cohort__plan=plan, cohort__starts_on__gt=today)
        .select_related("cohort__rollout_cohort")
    )
    return {(r.cohort.rollout_cohort.pk, r.person_id): r for r in registrations}


#: One person's change: (person, cohort before or None, cohort after or None).
Change = tuple[Person, RolloutCohort | None, RolloutCohort | None]


@dataclass
class Changes:
    """What publishing would do, person by person, in cohorts not started:
    `added` get a seat, `moved` change cohort, `removed` lose their seat
    (left, excluded, or no longer placed). Items are (person, from, to)."""

    added: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.moved) + len(self.removed)


def changes_preview(plan: RolloutPlan, *, today: dt.date | None = None) -> Changes:
    """The changes publishing would make, for HR to read before confirming."""
    today = today or timezone.localdate()
    desired = _desired(plan, today)
    seats = _current_seats(plan, today)
    cohorts = {c.pk: c for c in plan.cohorts.all()}
    seat_of = {person_pk: cohort_pk for cohort_pk, person_pk in seats}
    people = {r.person_id: r.person for r in _seat_registrations(plan, today)}
    changes, placed = Changes(), set[int]()
    for cohort_pk, members in desired.items():
        for person in members:
            placed.add(person.pk)
            before = seat_of.get(person.pk)
            if before is None:
                changes.added.append((person, None, cohorts[cohort_pk]))
            elif before != cohort_pk:
                changes.moved.append((person, cohorts[before], cohorts[cohort_pk]))
    for person_pk, cohort_pk in seat_of.items():
        if person_pk not in placed:
            changes.removed.append((people[person_pk], cohorts[cohort_pk], None))
    for items in (changes.added, changes.moved, changes.removed):
        items.sort(key=lambda item: (item[0].last_name, item[0].first_name))
    return changes


def _seat_registrations(plan: RolloutPlan, today: dt.date) -> RegistrationQuerySet:
    return (
        Registration.objects.active()
        .filter(cohort__rollout_cohort__plan=plan, cohort__starts_on__gt=today)
        .select_related("person")
    )


@transaction.atomic
def publish(
    plan: RolloutPlan, *, actor: Person, now: dt.datetime | None = None
) -> PublishReport:
    """Create the cohorts and give every placed manager a confirmed seat, all in
    one transaction: when one seat cannot be given, nothing is kept.

    Seats go through registrations.services (book_for_others, cancel,
    change_capacity), so the seat lock and the audit trail hold. Raises
    RolloutError with the reason."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    plan = (
        RolloutPlan.objects.select_for_update()
        .select_related("organisation", "programme")
        .get(pk=plan.pk)
    )
    organisation = plan.organisation
    _check_publishable(plan, actor, today)
    # A rollout's cohorts are the organisation's own: nobody else may see or
    # join them (issue 16).
    Programme.objects.filter(pk=plan.programme_id).update(is_internal=True)
    desired = _desired(plan, today)
    seats = _current_seats(plan, today)
    report = PublishReport()
    wanted = {(c, p.pk) for c, people in desired.items() for p in people}
    for key, registration in seats.items():
        if key not in wanted:
            registration_services.cancel(registration, actor=actor)
            report.cancelled += 1
    cohorts = {c.pk: c for c in plan.cohorts.select_related("cohort")}
    for rollout_cohort_pk, people in sorted(
        desired.items(), key=lambda item: cohorts[item[0]].starts_on
    ):
        rollout_cohort = cohorts[rollout_cohort_pk]
        if not people and rollout_cohort.cohort_id is None:
            continue
        if rollout_cohort.cohort_id is None:
            _create_cohort(plan, rollout_cohort, actor, now, len(people))
            report.cohorts_created += 1
        cohort = cast(Cohort, rollout_cohort.cohort)
        to_book = [p for p in people if (rollout_cohort_pk, p.pk) not in seats]
        if cohort.capacity != max(len(people), 1):
            cohort = registration_services.change_capacity(
                cohort, max(len(people), 1), actor=actor
            )
        if to_book:
            _book(plan, cohort, to_book, actor, organisation, report)
    _sync_follow_ups(plan, desired, cohorts, today)
    plan.status = RolloutPlan.Status.PUBLISHED
    plan.published_at = now
    plan.save(update_fields=["status", "published_at"])
    return report


def _check_publishable(plan: RolloutPlan, actor: Person, today: dt.date) -> None:
    if not is_hr(actor, plan.organisation):
        raise RolloutError(
            _("Only the organisation's HR contacts may publish the plan.")
        )
    if plan.is_running:
        raise RolloutError(_("Wait until planning has finished."))
    if plan.run_status != RolloutPlan.RunStatus.DONE and not plan.placements.exists():
        raise RolloutError(_("Plan the cohorts before publishing."))
    unplaced = (
        plan_employments(plan)
        .exclude(
            pk__in=plan.placements.filter(rollout_cohort__isnull=False).values(
                "employment"
            )
        )
        .count()
    )
    if unplaced:
        raise RolloutError(
            ngettext(
                "%(count)s manager has no cohort yet. Plan again (keeping those "
                "already placed) before publishing.",
                "%(count)s managers have no cohort yet. Plan again (keeping those "
                "already placed) before publishing.",
                unplaced,
            )
            % {"count": unplaced}
        )
    for cohort in plan.cohorts.all():
        if (
            cohort.cohort_id is None
            and cohort.has_started(today)
            and cohort.placements.exists()
        ):
            raise RolloutError(
                _(
                    "%(cohort)s starts on %(day)s, which is not after today. "
                    "Change its days or plan again."
                )
                % {"cohort": cohort, "day": cohort.starts_on}
            )


def _create_cohort(
    plan: RolloutPlan,
    rollout_cohort: RolloutCohort,
    actor: Person,
    now: dt.datetime,
    size: int,
) -> Cohort:
    days = rollout_cohort.day_list()
    zone = timezone.get_current_timezone()
    cohort = programme_services.create_cohort(
        plan.programme,
        actor=actor,
        name=_("%(plan)s, cohort %(number)s")
        % {"plan": plan.name, "number": rollout_cohort.number},
        starts_on=days[0],
        ends_on=days[-1],
        capacity=max(size, 1),
        registration_opens_at=now,
        registration_closes_at=dt.datetime.combine(days[0], dt.time(0, 0), zone),
        location=plan.location,
        waitlist_enabled=False,
    )
    for number, day in enumerate(days, start=1):
        programme_services.add_session(
            cohort,
            actor=actor,
            title=_("Programme day %(number)s") % {"number": number},
            starts_at=dt.datetime.combine(day, DAY_STARTS, zone),
            ends_at=dt.datetime.combine(day, DAY_ENDS, zone),
            mode=Session.Mode.ON_SITE,
            location=plan.location,
        )
    rollout_cohort.cohort = cohort
    rollout_cohort.save(update_fields=["cohort"])
    return cohort


def _book(
    plan: RolloutPlan,
    cohort: Cohort,
    people: list[Person],
    actor: Person,
    organisation: Organisation,
    report: PublishReport,
) -> None:
    outcomes = registration_services.book_for_others(
        cohort, people, actor=actor, organisation=organisation
    )
    for outcome in outcomes:
        if outcome.outcome != "seat":
            raise RolloutError(
                _(
                    "%(person)s could not get a seat in %(cohort)s: %(reason)s "
                    "Nothing was published. Leave them out of the rollout with "
                    "a reason, or change the programme's target group."
                )
                % {
                    "person": outcome.person,
                    "cohort": cohort.name,
                    "reason": outcome.reason or outcome.outcome,
                }
            )
        notifications.notify(
            outcome.person,
            kind=notifications.Kind.ROLLOUT_PUBLISHED,
            key=f"rollout:{plan.pk}:{outcome.person.pk}:{cohort.pk}",
            template="rollouts/email/rollout_published",
            objects={"plan": plan, "cohort": cohort},
        )
    report.booked += len(outcomes)
    report.people.extend(outcome.person for outcome in outcomes)


def _sync_follow_ups(
    plan: RolloutPlan,
    desired: dict[int, list[Person]],
    cohorts: dict[int, RolloutCohort],
    today: dt.date,
) -> None:
    """One follow-up per placed manager, after their cohort; open follow-ups of
    people no longer placed in a cohort that has not started go."""
    # Publishing made the cohort of every rollout cohort with people.
    person_cohort = {
        person.pk: cast(int, cohorts[c].cohort_id)
        for c, people in desired.items()
        for person in people
    }
    employments = {
        e.person_id: e.pk
        for e in active_employments(plan.organisation_id).filter(
            person__in=person_cohort
        )
    }
    existing = {f.employment_id: f for f in plan.follow_ups.all()}
    new: list[FollowUp] = []
    changed: list[FollowUp] = []
    for person_pk, cohort_pk in person_cohort.items():
        employment_pk = employments[person_pk]
        follow_up = existing.get(employment_pk)
        if follow_up is None:
            new.append(
                FollowUp(plan=plan, employment_id=employment_pk, cohort_id=cohort_pk)
            )
        elif follow_up.cohort_id != cohort_pk and follow_up.held_on is None:
            follow_up.cohort_id = cohort_pk
            changed.append(follow_up)
    FollowUp.objects.bulk_create(new, batch_size=500)
    FollowUp.objects.bulk_update(changed, ["cohort"], batch_size=500)
    placed = set(employments.values())
    plan.follow_ups.filter(held_on__isnull=True, cohort__starts_on__gt=today).exclude(
        employment__in=placed
    ).delete()


# Follow-up at home ------------------------------------------------------------


def completed_registration(follow_up: FollowUp) -> RegistrationQuerySet:
    """A confirmed seat in the follow-up's cohort (the programme was done)."""
    return Registration.objects.confirmed().filter(
        cohort=follow_up.cohort_id, person=follow_up.employment.person_id
    )


@transaction.atomic
def log_follow_up(
    follow_up: FollowUp,
    *,
    actor: Person,
    held_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> FollowUp:
    """Record that the follow-up conversation was held; either side may."""
    today = today or timezone.localdate()
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    person = follow_up.employment.person
    if actor.pk not in (person.pk, person.manager_id):
        raise RolloutError(_("Only the manager and their own manager may log this."))
    if held_on > today:
        raise RolloutError(_("The date cannot be in the future."))
    if held_on < follow_up.cohort.ends_on:
        raise RolloutError(
            _("The follow-up comes after the programme, which ended on %(day)s.")
            % {"day": follow_up.cohort.ends_on}
        )
    follow_up.held_on = held_on
    follow_up.note = note.strip()[:500]
    follow_up.logged_by = actor
    follow_up.save(update_fields=["held_on", "note", "logged_by"])
    return follow_up


def notify_follow_ups_due(now: dt.datetime | None = None) -> int:
    """A periodic job: tell each manager who has completed the programme, and
    their own manager, that the follow-up is due. Once per follow-up."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    confirmed = Registration.objects.confirmed().filter(
        cohort=OuterRef("cohort"), person=OuterRef("employment__person")
    )
    due = (
        FollowUp.objects.filter(
            held_on__isnull=True,
            notified_at__isnull=True,
            cohort__ends_on__lt=today,
            employment__left_on__isnull=True,
        )
        .filter(Exists(confirmed))
        .select_related("employment__person__manager", "cohort")
    )
    sent = []
    for follow_up in due:
        person = follow_up.employment.person
        for recipient in filter(None, (person, person.manager)):
            notifications.notify(
                recipient,
                kind=notifications.Kind.FOLLOW_UP_DUE,
                key=f"follow-up:{follow_up.pk}:{recipient.pk}",
                template="rollouts/email/follow_up_due",
                objects={"follow_up": follow_up, "participant": person},
            )
        follow_up.notified_at = now
        sent.append(follow_up)
    FollowUp.objects.bulk_update(sent, ["notified_at"], batch_size=500)
    return len(sent)
