import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.models import ManagerialLevel
from tillit.notifications.models import Notification
from tillit.programmes.models import Cohort, Session
from tillit.programmes.tests.factories import TargetRuleFactory
from tillit.registrations.models import Registration
from tillit.rollouts import services
from tillit.rollouts.models import Employment, FollowUp, RolloutPlan

from .factories import csv_bytes, hierarchy_rows, imported, municipality, plan_for

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def planned(django_capture_on_commit_callbacks):
    org, hr, programme = municipality()
    rows = hierarchy_rows(departments=3, sections=2, units=3)
    imported(org, hr, rows)
    plan = plan_for(org, hr, programme, cohorts=4, size=10, share="0.5")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_planning(plan, actor=hr)
    plan.refresh_from_db()
    return org, hr, programme, plan, rows


def seats(plan):
    return Registration.objects.filter(
        cohort__rollout_cohort__plan=plan, status=Status.CONFIRMED
    )


def start_first_cohort(plan):
    """Make the earliest cohort one that has started (its days moved to the past)."""
    first = min(plan.cohorts.all(), key=lambda c: c.starts_on)
    today = timezone.localdate()
    days = [
        today - dt.timedelta(days=20),
        today - dt.timedelta(days=6),
        today + dt.timedelta(days=8),
    ]
    first.dates = [d.isoformat() for d in days]
    first.save()
    Cohort.objects.filter(pk=first.cohort_id).update(
        starts_on=days[0], ends_on=days[-1]
    )
    return first


def test_publish_creates_cohorts_sessions_and_a_confirmed_seat_per_manager(planned):
    _org, hr, programme, plan, _rows = planned

    report = services.publish(plan, actor=hr)

    plan.refresh_from_db()
    assert plan.status == RolloutPlan.Status.PUBLISHED
    assert report.booked == 28
    assert Cohort.objects.filter(programme=programme).count() == 4
    assert Session.objects.filter(cohort__programme=programme).count() == 4 * 3
    assert seats(plan).count() == 28
    assert seats(plan).values("person").distinct().count() == 28
    assert FollowUp.objects.filter(plan=plan).count() == 28
    for rollout_cohort in plan.cohorts.select_related("cohort"):
        assert (
            rollout_cohort.cohort.registrations.count()
            == rollout_cohort.placements.count()
        )


def test_publish_tells_each_manager(
    planned, mailoutbox, django_capture_on_commit_callbacks
):
    _org, hr, _programme, plan, _rows = planned

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(plan, actor=hr)

    kinds = Notification.objects.filter(kind=Notification.Kind.ROLLOUT_PUBLISHED)
    assert kinds.count() == 28
    assert any("Programme day 1" in m.body for m in mailoutbox)


def test_a_failure_midway_leaves_nothing(planned):
    _org, hr, programme, plan, _rows = planned
    # Unit managers are first-line managers: outside this target group.
    TargetRuleFactory(
        programme=programme,
        sectors=["municipal"],
        managerial_levels=[
            ManagerialLevel.TOP,
            ManagerialLevel.SENIOR,
            ManagerialLevel.MIDDLE,
        ],
    )

    with pytest.raises(services.RolloutError, match="could not get a seat"):
        services.publish(plan, actor=hr)

    plan.refresh_from_db()
    assert plan.status == RolloutPlan.Status.DRAFT
    assert not Cohort.objects.filter(programme=programme).exists()
    assert not Registration.objects.exists()
    assert not FollowUp.objects.exists()
    assert not plan.cohorts.filter(cohort__isnull=False).exists()


def test_only_the_organisations_hr_may_publish(planned):
    _org, _hr, _programme, plan, _rows = planned
    _other, other_hr, _p = municipality("Annan kommun")

    with pytest.raises(services.RolloutError):
        services.publish(plan, actor=other_hr)


def test_a_leaver_loses_their_future_seat_only(planned):
    _org, hr, _programme, plan, _rows = planned
    services.publish(plan, actor=hr)
    started = start_first_cohort(plan)
    in_started = started.placements.select_related("employment").first().employment
    later = (
        plan.placements.exclude(rollout_cohort=started)
        .select_related("employment")
        .first()
        .employment
    )

    services.mark_left(later, actor=hr)
    services.mark_left(in_started, actor=hr)

    assert not seats(plan).filter(person=later.person).exists()
    assert seats(plan).filter(person=in_started.person).exists()


def test_replanning_touches_only_cohorts_that_have_not_started(
    planned, django_capture_on_commit_callbacks
):
    org, hr, _programme, plan, rows = planned
    services.publish(plan, actor=hr)
    started = start_first_cohort(plan)
    started_seats = set(
        seats(plan).filter(cohort=started.cohort).values_list("pk", flat=True)
    )
    newcomer = [
        "D1S1U9",
        "Nina Ny",
        "nina@example.org",
        "Avdelning 1.1",
        "Enhetschef",
        "D1S1",
    ]
    batch = services.preview_import(
        org, actor=hr, filename="ny.csv", content=csv_bytes([*rows, newcomer])
    )
    services.confirm_import(batch, actor=hr)
    plan.cohorts.exclude(pk=started.pk).update(capacity=12)

    with django_capture_on_commit_callbacks(execute=True):
        services.start_planning(plan, actor=hr, keep_placed=True)
    report = services.publish(plan, actor=hr)

    nina = Employment.objects.get(employee_id="D1S1U9")
    seat = seats(plan).get(person=nina.person)
    assert seat.cohort.starts_on > timezone.localdate()
    assert (
        set(seats(plan).filter(cohort=started.cohort).values_list("pk", flat=True))
        == started_seats
    )
    assert report.booked == 1
    assert report.cancelled == 0


def test_a_move_after_publishing_moves_the_seat(planned):
    _org, hr, _programme, plan, _rows = planned
    services.publish(plan, actor=hr)
    placement = plan.placements.select_related("employment__person").get(
        employment__employee_id="D3S2U3"
    )
    # With a place to spare in each, one of the cohorts that hold neither the
    # manager nor their own manager always takes them (the unit share lets
    # at most one of those two be full of the unit), whatever the plan was.
    candidates = list(
        plan.cohorts.exclude(pk=placement.rollout_cohort_id).order_by("number")
    )
    for cohort in candidates:
        cohort.capacity += 1
    target = next(
        c
        for c in candidates
        if not services.placement_problems(plan, placement.employment, c)
    )
    target.save()
    services.move(plan, placement.employment, target, actor=hr)

    report = services.publish(plan, actor=hr)

    assert (report.booked, report.cancelled) == (1, 1)
    assert seats(plan).get(person=placement.employment.person).cohort == target.cohort
