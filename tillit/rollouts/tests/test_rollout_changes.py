"""Rollouts after publishing (issue 15): exclusions with a reason, added
cohorts and seats, changed days, re-planning that keeps the placed, the
preview of changes, tiny cohorts, and the pages that ask first with a count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from tillit.core.models import ManagerialLevel
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import TargetRuleFactory
from tillit.registrations.models import Registration
from tillit.rollouts import selectors, services
from tillit.rollouts.models import Employment, Exclusion, ImportBatch, RolloutPlan

from .factories import csv_bytes, hierarchy_rows, imported, municipality, plan_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    org, hr, programme = municipality()
    rows = hierarchy_rows(departments=3, sections=2, units=3)
    imported(org, hr, rows)
    plan = plan_for(org, hr, programme, cohorts=4, size=10, share="0.5")
    services.run_planning(plan.pk, iterations=2_000)
    services.publish(plan, actor=hr)
    plan.refresh_from_db()
    return org, hr, plan, rows


def seat_of(plan, employment):
    return (
        Registration.objects.active()
        .filter(cohort__rollout_cohort__plan=plan, person=employment.person)
        .first()
    )


def cohort_of(plan, employment):
    return plan.placements.get(employment=employment).rollout_cohort


def test_excluding_a_manager_frees_their_place_and_publishing_cancels_the_seat(
    published,
):
    _org, hr, plan, _rows = published
    chief = Employment.objects.get(employee_id="K1")

    services.exclude(plan, chief, actor=hr, reason="Kommundirektören")

    assert not plan.placements.filter(employment=chief).exists()
    changes = services.changes_preview(plan)
    assert [person for person, _from, _to in changes.removed] == [chief.person]
    report = services.publish(plan, actor=hr)
    assert report.cancelled == 1
    assert seat_of(plan, chief) is None
    summary = selectors.plan_summary(plan)
    assert (summary.excluded, summary.managers, summary.placed) == (1, 27, 27)


def test_an_excluded_manager_is_not_planned_and_can_be_brought_back(published):
    _org, hr, plan, _rows = published
    chief = Employment.objects.get(employee_id="K1")
    services.exclude(plan, chief, actor=hr, reason="Lång ledighet")

    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)
    assert not plan.placements.filter(employment=chief).exists()

    services.include(plan, chief, actor=hr)
    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)

    assert not Exclusion.objects.exists()
    assert cohort_of(plan, chief) is not None


def test_excluding_needs_a_reason(published):
    _org, hr, plan, _rows = published

    with pytest.raises(services.RolloutError, match="Say why"):
        services.exclude(
            plan, Employment.objects.get(employee_id="K1"), actor=hr, reason=" "
        )


def test_replanning_places_only_the_unplaced_and_keeps_everyone_else(published):
    org, hr, plan, rows = published
    before = dict(plan.placements.values_list("employment", "rollout_cohort"))
    newcomer = [
        "D2S1U9",
        "Nils Ny",
        "nils@example.org",
        "Avdelning 2.1",
        "Chef",
        "D2S1",
    ]
    imported(org, hr, [*rows, newcomer])

    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)

    after = dict(plan.placements.values_list("employment", "rollout_cohort"))
    assert {e: c for e, c in after.items() if e in before} == before
    changes = services.changes_preview(plan)
    assert [p.email for p, _f, _t in changes.added] == ["nils@example.org"]
    assert changes.moved == changes.removed == []


def test_a_kept_place_that_now_breaks_the_unit_share_is_the_only_one_moved(
    published,
):
    _org, _hr, plan, _rows = published
    plan.max_unit_share = "0.25"
    plan.save()
    before = dict(plan.placements.values_list("employment", "rollout_cohort"))

    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)

    plan.refresh_from_db()
    assert plan.run_status == RolloutPlan.RunStatus.DONE, plan.message
    after = dict(plan.placements.values_list("employment", "rollout_cohort"))
    moved = [e for e in before if after[e] != before[e]]
    assert 0 < len(moved) < len(before) // 2
    assert all(rule["holds"] for rule in plan.result["rules"])


def test_too_few_places_says_how_many_are_missing_and_where_to_add(published):
    org, hr, plan, rows = published
    extra = [
        [
            f"X{n}",
            f"Extra Chef{n}",
            f"x{n}@example.org",
            "Avdelning 1.1",
            "Chef",
            "D1S1",
        ]
        for n in range(20)
    ]
    imported(org, hr, [*rows, *extra])

    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)

    plan.refresh_from_db()
    assert plan.run_status == RolloutPlan.RunStatus.FAILED
    assert "8 places are missing: add a cohort or raise the capacity of" in (
        plan.message
    )
    assert "Cohort 1" in plan.message


def test_an_added_cohort_follows_the_plans_spacing_and_takes_newcomers(published):
    _org, hr, plan, _rows = published
    first_day = timezone.localdate() + dt.timedelta(days=400)

    cohort = services.add_cohort(plan, actor=hr, starts_on=first_day, capacity=12)

    assert cohort.number == 5
    days = cohort.day_list()
    assert len(days) == plan.days_per_cohort
    assert (days[1] - days[0]).days >= 7 * plan.weeks_between_days
    assert all(day.weekday() < 5 for day in days)


def test_a_cohort_cannot_be_added_in_the_past(published):
    _org, hr, plan, _rows = published

    with pytest.raises(services.RolloutError):
        services.add_cohort(plan, actor=hr, starts_on=timezone.localdate(), capacity=10)


def test_a_published_cohort_that_has_not_started_can_move_days_and_grow(published):
    _org, hr, plan, _rows = published
    rollout_cohort = plan.cohorts.exclude(cohort=None).first()
    days = [day + dt.timedelta(days=7) for day in rollout_cohort.day_list()]

    services.update_cohort_days(rollout_cohort, actor=hr, dates=days, capacity=14)

    cohort = Cohort.objects.get(pk=rollout_cohort.cohort_id)
    assert (cohort.starts_on, cohort.ends_on) == (days[0], days[-1])
    sessions = list(cohort.sessions.order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == days
    assert all(s.sequence >= 1 for s in sessions)
    rollout_cohort.refresh_from_db()
    assert rollout_cohort.capacity == 14


def test_moving_a_published_cohorts_days_tells_each_manager_in_their_language(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    _org, hr, plan, _rows = published
    rollout_cohort = plan.cohorts.exclude(cohort=None).first()
    seats = list(
        Registration.objects.active()
        .filter(cohort=rollout_cohort.cohort)
        .select_related("person")
    )
    finn = seats[0].person
    finn.preferred_language = "fi"
    finn.save(update_fields=["preferred_language"])
    mailoutbox.clear()
    days = [day + dt.timedelta(days=14) for day in rollout_cohort.day_list()]

    with django_capture_on_commit_callbacks(execute=True):
        services.update_cohort_days(rollout_cohort, actor=hr, dates=days, capacity=14)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.person.email for s in seats)
    finnish = next(m for m in mailoutbox if m.to == [finn.email])
    swedish = next(m for m in mailoutbox if m.to != [finn.email])
    assert "Uudet päivät" in finnish.subject
    assert "Nya dagar" in swedish.subject
    with translation.override("sv"):
        first = formats.date_format(
            timezone.localtime(
                rollout_cohort.cohort.sessions.order_by("starts_at")[0].starts_at
            ),
            "DATETIME_FORMAT",
        )
    assert first in swedish.body


def test_moving_the_days_again_tells_the_managers_again(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    _org, hr, plan, _rows = published
    rollout_cohort = plan.cohorts.exclude(cohort=None).first()
    seats = Registration.objects.active().filter(cohort=rollout_cohort.cohort).count()
    mailoutbox.clear()
    later = [day + dt.timedelta(days=7) for day in rollout_cohort.day_list()]

    with django_capture_on_commit_callbacks(execute=True):
        services.update_cohort_days(rollout_cohort, actor=hr, dates=later, capacity=14)
    rollout_cohort.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_cohort_days(
            rollout_cohort,
            actor=hr,
            dates=[day - dt.timedelta(days=7) for day in later],
            capacity=14,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_cohort_days(
            rollout_cohort,
            actor=hr,
            dates=[day - dt.timedelta(days=7) for day in later],
            capacity=15,
        )

    assert len(mailoutbox) == 2 * seats


def test_a_cohort_that_has_started_keeps_its_days(published):
    _org, hr, plan, _rows = published
    rollout_cohort = plan.cohorts.first()
    today = timezone.localdate()
    rollout_cohort.dates = [
        (today - dt.timedelta(days=3)).isoformat(),
        (today + dt.timedelta(days=5)).isoformat(),
        (today + dt.timedelta(days=9)).isoformat(),
    ]
    rollout_cohort.save()

    with pytest.raises(services.RolloutError, match="has started"):
        services.update_cohort_days(
            rollout_cohort,
            actor=hr,
            dates=[today + dt.timedelta(days=d) for d in (10, 20, 30)],
            capacity=10,
        )


def test_a_tiny_cohort_is_flagged_before_publishing(published):
    _org, hr, plan, _rows = published
    services.add_cohort(
        plan,
        actor=hr,
        starts_on=timezone.localdate() + dt.timedelta(days=400),
        capacity=10,
    )
    last = plan.cohorts.order_by("-number").first()
    mover = Employment.objects.get(employee_id="D1S1U1")
    services.move(plan, mover, last, actor=hr)

    flags = selectors.plan_summary(plan).flags

    assert any("has only 1 manager for 10 places" in flag for flag in flags)


# Pages -----------------------------------------------------------------------


def test_the_publish_page_shows_the_counts_and_publishes_nothing_until_confirmed(
    published, client
):
    _org, hr, plan, _rows = published
    chief = Employment.objects.get(employee_id="K1")
    services.exclude(plan, chief, actor=hr, reason="Kommundirektören")
    client.force_login(hr)
    url = reverse("rollouts:plan-publish", args=[plan.pk])

    page = client.get(url).content.decode()

    assert "Publish: 1 change" in page
    assert 'id="changes-removed"' in page
    assert seat_of(plan, chief) is not None
    response = client.post(url)
    assert response.status_code == 302
    assert seat_of(plan, chief) is None


def test_the_publish_page_search_narrows_the_lists(published, client):
    org, hr, plan, rows = published
    extra = [
        ["X1", "Alfa Ny", "alfa@example.org", "Avdelning 1.1", "Chef", "D1S1"],
        ["X2", "Beta Ny", "beta@example.org", "Avdelning 2.1", "Chef", "D2S1"],
    ]
    imported(org, hr, [*rows, *extra])
    services.run_planning(plan.pk, keep_placed=True, iterations=2_000)
    client.force_login(hr)

    page = client.get(
        reverse("rollouts:plan-publish", args=[plan.pk]), {"q": "beta"}
    ).content.decode()

    assert "Beta Ny" in page
    assert "Alfa Ny" not in page
    assert "1 of 2 match the search" in page


def test_hr_excludes_and_brings_back_a_manager_through_the_plan_page(published, client):
    _org, hr, plan, _rows = published
    chief = Employment.objects.get(employee_id="K1")
    client.force_login(hr)

    response = client.post(
        reverse("rollouts:plan-exclude", args=[plan.pk]),
        {"employment": chief.pk, "reason": "Kommundirektören"},
    )

    assert response.status_code == 302
    exclusion = Exclusion.objects.get()
    page = client.get(reverse("rollouts:plan-detail", args=[plan.pk])).content.decode()
    assert "Kommundirektören" in page
    assert 'id="excluded-count">1<' in page
    client.post(reverse("rollouts:plan-include", args=[plan.pk, exclusion.pk]))
    assert not Exclusion.objects.exists()


def test_excluding_without_a_reason_is_refused_beside_the_field(published, client):
    _org, hr, plan, _rows = published
    client.force_login(hr)

    response = client.post(
        reverse("rollouts:plan-exclude", args=[plan.pk]),
        {"employment": Employment.objects.get(employee_id="K1").pk, "reason": ""},
    )

    assert response.status_code == 400
    assert not Exclusion.objects.exists()


def test_another_organisations_hr_cannot_exclude_include_or_add_cohorts(
    published, client
):
    _org, _hr, plan, _rows = published
    _other, other_hr, _programme = municipality("Annan kommun")
    client.force_login(other_hr)
    chief = Employment.objects.get(employee_id="K1")

    urls = [
        reverse("rollouts:plan-exclude", args=[plan.pk]),
        reverse("rollouts:plan-include", args=[plan.pk, 1]),
        reverse("rollouts:plan-add-cohort", args=[plan.pk]),
    ]

    for url in urls:
        assert client.post(
            url, {"employment": chief.pk, "reason": "x"}
        ).status_code == (404)
    assert (
        client.get(reverse("rollouts:plan-add-cohort", args=[plan.pk])).status_code
        == 404
    )


def test_hr_adds_a_cohort_through_the_page(published, client):
    _org, hr, plan, _rows = published
    client.force_login(hr)
    day = timezone.localdate() + dt.timedelta(days=400)

    response = client.post(
        reverse("rollouts:plan-add-cohort", args=[plan.pk]),
        {"starts_on": day.isoformat(), "capacity": 12},
    )

    assert response.status_code == 302
    assert plan.cohorts.count() == 5


def test_the_import_page_puts_the_summary_and_confirm_button_before_long_lists(
    published, client
):
    org, hr, _plan, rows = published
    batch = services.preview_import(
        org, actor=hr, filename="del.csv", content=csv_bytes(rows[:5])
    )
    client.force_login(hr)

    page = client.get(reverse("rollouts:import-detail", args=[batch.pk])).content
    page = page.decode()

    assert page.index('id="confirm-import"') < page.index('id="missing-section"')
    assert "<details" in page
    assert "Import 5 managers" in page
    assert "23 current managers are not in the file." in page


def test_the_import_page_search_filters_the_missing(published, client):
    org, hr, _plan, rows = published
    batch = services.preview_import(
        org, actor=hr, filename="del.csv", content=csv_bytes(rows[:5])
    )
    client.force_login(hr)

    page = client.get(
        reverse("rollouts:import-detail", args=[batch.pk]), {"q": "D3S2U3"}
    ).content.decode()

    assert "D3S2U3" in page
    assert "D3S2U2 –" not in page
    assert ImportBatch.objects.get(pk=batch.pk).status == "pending"


def test_a_chief_outside_the_target_group_is_left_out_and_the_plan_publishes(
    django_capture_on_commit_callbacks,
):
    org, hr, programme = municipality()
    imported(org, hr, hierarchy_rows(departments=2, sections=1, units=2))
    TargetRuleFactory(
        programme=programme,
        sectors=["municipal"],
        managerial_levels=[
            ManagerialLevel.SENIOR,
            ManagerialLevel.MIDDLE,
            ManagerialLevel.FIRST_LINE,
        ],
    )
    plan = plan_for(org, hr, programme, cohorts=3, size=6, share="0.5")
    services.run_planning(plan.pk, iterations=2_000)
    with pytest.raises(services.RolloutError, match="Leave them out of the rollout"):
        services.publish(plan, actor=hr)
    chief = Employment.objects.get(employee_id="K1")

    services.exclude(plan, chief, actor=hr, reason="Kommundirektören")
    report = services.publish(plan, actor=hr)

    assert report.booked == 8
    assert seat_of(plan, chief) is None


def test_no_one_is_left_out_while_the_planner_runs(published):
    _org, hr, plan, _rows = published
    RolloutPlan.objects.filter(pk=plan.pk).update(
        run_status=RolloutPlan.RunStatus.RUNNING, run_updated_at=timezone.now()
    )

    with pytest.raises(services.RolloutError, match="Wait until planning"):
        services.exclude(
            plan, Employment.objects.get(employee_id="K1"), actor=hr, reason="Ledig"
        )

    assert not Exclusion.objects.exists()


def test_the_dashboard_counts_a_manager_left_out_apart_from_the_not_yet_planned(
    published, client
):
    org, hr, plan, _rows = published
    chief = Employment.objects.get(employee_id="K1")
    services.exclude(plan, chief, actor=hr, reason="Kommundirektören")
    services.publish(plan, actor=hr)

    _rows, total = selectors.dashboard(org)

    assert (total.excluded, total.not_planned, total.planned) == (1, 0, 27)
    assert total.covered_share == 100
    client.force_login(hr)
    page = client.get(reverse("rollouts:dashboard", args=[org.pk])).content.decode()
    assert "data-excluded>1<" in page
