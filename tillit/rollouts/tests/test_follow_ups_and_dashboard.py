import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tillit.core.tests.factories import PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.models import Cohort
from tillit.rollouts import selectors, services
from tillit.rollouts.models import Employment, FollowUp

from .factories import hierarchy_rows, imported, municipality, plan_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    org, hr, programme = municipality()
    imported(org, hr, hierarchy_rows(departments=2, sections=1, units=2))
    plan = plan_for(org, hr, programme, cohorts=3, size=4, share="1")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_planning(plan, actor=hr)
    services.publish(plan, actor=hr)
    return org, hr, plan


def end_cohort_of(plan, employee_id, *, days_ago=3, length=30):
    """Move the manager's cohort into the past (it ended `days_ago` days ago)."""
    follow_up = FollowUp.objects.get(plan=plan, employment__employee_id=employee_id)
    today = timezone.localdate()
    Cohort.objects.filter(pk=follow_up.cohort_id).update(
        starts_on=today - dt.timedelta(days=days_ago + length),
        ends_on=today - dt.timedelta(days=days_ago),
    )
    return follow_up


def test_follow_up_is_due_once_the_programme_is_done_and_both_are_told_once(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    _org, _hr, plan = published
    follow_up = end_cohort_of(plan, "D1S1U1")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.notify_follow_ups_due()
        again = services.notify_follow_ups_due()

    in_cohort = FollowUp.objects.filter(cohort=follow_up.cohort_id).count()
    assert (sent, again) == (in_cohort, 0)
    recipients = set(
        Notification.objects.filter(kind=Notification.Kind.FOLLOW_UP_DUE).values_list(
            "person__email", flat=True
        )
    )
    person = follow_up.employment.person
    assert {person.email, person.manager.email} <= recipients
    assert (
        Notification.objects.filter(
            kind=Notification.Kind.FOLLOW_UP_DUE, person=person
        ).count()
        == 1
    )


def test_both_see_the_follow_up_and_either_logs_it(published, client):
    _org, _hr, plan = published
    follow_up = end_cohort_of(plan, "D1S1U1")
    person = follow_up.employment.person
    client.force_login(person.manager)
    assert client.get(reverse("rollouts:follow-ups")).status_code == 200

    response = client.post(
        reverse("rollouts:follow-up-log", args=[follow_up.pk]),
        {
            f"f{follow_up.pk}-held_on": timezone.localdate().isoformat(),
            f"f{follow_up.pk}-note": "Vi tar med styrmodellen till APT.",
        },
    )

    assert response.status_code == 302
    client.force_login(person)
    page = client.get(reverse("rollouts:follow-ups")).content.decode()
    assert "Vi tar med styrmodellen till APT." in page


def test_someone_else_cannot_see_or_log_a_follow_up(published, client):
    _org, _hr, plan = published
    follow_up = end_cohort_of(plan, "D1S1U1")
    client.force_login(PersonFactory())

    response = client.post(
        reverse("rollouts:follow-up-log", args=[follow_up.pk]),
        {f"f{follow_up.pk}-held_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 404


def test_a_follow_up_cannot_be_logged_in_the_future(published):
    _org, _hr, plan = published
    follow_up = end_cohort_of(plan, "D1S1U1")

    with pytest.raises(services.RolloutError):
        services.log_follow_up(
            follow_up,
            actor=follow_up.employment.person,
            held_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_dashboard_counts_completed_in_progress_planned_and_not_planned(published):
    org, hr, plan = published
    done = end_cohort_of(plan, "D1S1U1")
    services.log_follow_up(
        done, actor=done.employment.person, held_on=timezone.localdate()
    )
    ongoing = FollowUp.objects.exclude(cohort=done.cohort_id).filter(plan=plan).first()
    today = timezone.localdate()
    Cohort.objects.filter(pk=ongoing.cohort_id).update(
        starts_on=today - dt.timedelta(days=2), ends_on=today + dt.timedelta(days=10)
    )
    services.mark_left(Employment.objects.get(employee_id="D2S1U2"), actor=hr)
    Employment.objects.create(
        organisation=org,
        person=PersonFactory(organisation=org),
        employee_id="NEW1",
        department=Employment.objects.get(employee_id="D2").department,
    )

    rows, total = selectors.dashboard(org)

    completed = FollowUp.objects.filter(cohort=done.cohort_id).count()
    in_progress = (
        FollowUp.objects.filter(cohort=ongoing.cohort_id)
        .exclude(employment__employee_id="D2S1U2")
        .count()
    )
    assert total.managers == 1 + 2 * 4  # chief, 2 departments of 4, one left, one new
    assert total.completed == completed
    assert total.in_progress == in_progress
    assert total.not_planned == 1
    assert total.planned == total.managers - completed - in_progress - 1
    assert total.follow_ups_done == 1
    assert sum(row.managers for row in rows) == total.managers


def test_dashboard_is_one_query_however_many_managers(
    published, django_assert_num_queries
):
    org, _hr, _plan = published

    with django_assert_num_queries(1):
        selectors.dashboard(org)


def test_dashboard_export_is_a_workbook_with_formulas_neutralised(published, client):
    org, hr, _plan = published
    Employment.objects.filter(employee_id="D1").select_related("department")
    department = Employment.objects.get(employee_id="D1").department
    department.name = "=HYPERLINK(1)"
    department.save()
    client.force_login(hr)

    response = client.get(reverse("rollouts:dashboard-xlsx", args=[org.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert "'=HYPERLINK(1)" in names
    assert sheet.cell(row=sheet.max_row, column=2).value == 9


def test_plan_summary_reads_a_fixed_number_of_queries(
    published, django_assert_num_queries
):
    _org, _hr, plan = published

    with django_assert_num_queries(3):
        summary = selectors.plan_summary(plan)

    assert summary.placed == summary.managers == 9


def test_follow_ups_list_is_one_query(published, django_assert_num_queries):
    _org, _hr, plan = published
    end_cohort_of(plan, "D1S1U1")
    boss = Employment.objects.get(employee_id="D1S1").person

    with django_assert_num_queries(1):
        items = list(selectors.follow_ups_for(boss))
        [(f.employment.person.manager, f.cohort.programme.title) for f in items]

    assert len(items) == 3  # their own and their two reports'
