import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory
from tillit.rollouts import services
from tillit.rollouts.models import Employment, ImportBatch, RolloutPlan

from .factories import (
    EmploymentFactory,
    csv_bytes,
    hierarchy_rows,
    imported,
    municipality,
    plan_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(django_capture_on_commit_callbacks):
    org, hr, programme = municipality()
    imported(org, hr, hierarchy_rows(departments=2, sections=1, units=3))
    plan = plan_for(org, hr, programme, cohorts=3, size=8, share="0.5")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_planning(plan, actor=hr)
    plan.refresh_from_db()
    return org, hr, plan


def hr_pages(org, plan, batch):
    cohort = plan.cohorts.first()
    return [
        reverse("rollouts:organisation", args=[org.pk]),
        reverse("rollouts:import-upload", args=[org.pk]),
        reverse("rollouts:import-detail", args=[batch.pk]),
        reverse("rollouts:plan-new", args=[org.pk]),
        reverse("rollouts:plan-detail", args=[plan.pk]),
        reverse("rollouts:plan-status", args=[plan.pk]),
        reverse("rollouts:plan-days", args=[plan.pk]),
        reverse("rollouts:plan-cohort", args=[plan.pk, cohort.pk]),
        reverse("rollouts:dashboard", args=[org.pk]),
        reverse("rollouts:dashboard-xlsx", args=[org.pk]),
    ]


def test_hr_director_sees_every_page_of_their_organisation(planned, client):
    org, hr, plan = planned
    client.force_login(hr)

    for url in hr_pages(org, plan, ImportBatch.objects.get()):
        assert client.get(url).status_code == 200, url


def test_another_organisations_hr_director_gets_404_everywhere(planned, client):
    org, _hr, plan = planned
    _other, other_hr, _programme = municipality("Annan kommun")
    client.force_login(other_hr)

    for url in hr_pages(org, plan, ImportBatch.objects.get()):
        assert client.get(url).status_code == 404, url
    for name in ("plan-run", "plan-publish", "plan-adjust"):
        assert (
            client.post(reverse(f"rollouts:{name}", args=[plan.pk])).status_code == 404
        )


def test_a_manager_of_the_organisation_gets_404(planned, client):
    org, _hr, _plan = planned
    client.force_login(Employment.objects.get(employee_id="D1").person)

    assert (
        client.get(reverse("rollouts:organisation", args=[org.pk])).status_code == 404
    )
    assert client.get(reverse("rollouts:home")).status_code == 404


def test_upload_shows_the_report_and_confirm_imports(client):
    org, hr, _programme = municipality()
    client.force_login(hr)
    rows = hierarchy_rows(departments=1, sections=1, units=1)
    upload = SimpleUploadedFile("chefer.csv", csv_bytes(rows), content_type="text/csv")

    response = client.post(
        reverse("rollouts:import-upload", args=[org.pk]), {"file": upload}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert not Employment.objects.exists()
    response = client.post(reverse("rollouts:import-confirm", args=[batch.pk]))

    assert response.status_code == 302
    assert Employment.objects.filter(organisation=org).count() == 4


def test_an_unreadable_file_gets_a_message_beside_the_field(client):
    org, hr, _programme = municipality()
    client.force_login(hr)
    upload = SimpleUploadedFile("chefer.csv", "Namn\nKarin\n".encode("latin-1"))

    response = client.post(
        reverse("rollouts:import-upload", args=[org.pk]), {"file": upload}
    )

    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()


def test_a_confirmed_or_foreign_batch_cannot_be_confirmed(client):
    org, hr, _programme = municipality()
    batch = imported(org, hr, hierarchy_rows(departments=1, sections=1, units=1))
    client.force_login(hr)

    response = client.post(reverse("rollouts:import-confirm", args=[batch.pk]))

    assert response.status_code == 404


def test_plan_page_shows_cohorts_with_an_accessible_chart(planned, client):
    _org, hr, plan = planned
    client.force_login(hr)

    page = client.get(reverse("rollouts:plan-detail", args=[plan.pk])).content.decode()

    assert 'role="img"' in page
    assert "<desc id=" in page
    assert 'id="plan-cohorts"' in page


def test_status_poll_reloads_the_page_when_planning_is_done(planned, client):
    _org, hr, plan = planned
    client.force_login(hr)

    response = client.get(
        reverse("rollouts:plan-status", args=[plan.pk]) + "?polling=1",
        headers={"HX-Request": "true"},
    )

    assert response["HX-Refresh"] == "true"
    assert 'id="plan-status"' in response.content.decode()


def test_status_partial_keeps_polling_while_planning_runs(planned, client):
    _org, hr, plan = planned
    RolloutPlan.objects.filter(pk=plan.pk).update(run_status="running", progress=40)
    client.force_login(hr)

    response = client.get(
        reverse("rollouts:plan-status", args=[plan.pk]) + "?polling=1",
        headers={"HX-Request": "true"},
    )

    assert "HX-Refresh" not in response
    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_a_move_that_breaks_a_rule_is_refused_beside_the_field(planned, client):
    _org, hr, plan = planned
    head = Employment.objects.get(employee_id="D1")
    boss_cohort = plan.placements.get(employment__employee_id="K1").rollout_cohort
    client.force_login(hr)

    response = client.post(
        reverse("rollouts:plan-adjust", args=[plan.pk]),
        {"employment": head.pk, "action": "move", "cohort": boss_cohort.pk},
    )

    assert response.status_code == 400
    assert "own manager" in response.content.decode()
    assert plan.placements.get(employment=head).rollout_cohort != boss_cohort


def test_publish_through_the_page(planned, client):
    _org, hr, plan = planned
    client.force_login(hr)

    asked = client.get(reverse("rollouts:plan-publish", args=[plan.pk]))
    response = client.post(
        reverse("rollouts:plan-publish", args=[plan.pk]), {"confirmed": "yes"}
    )

    assert 'id="change-counts"' in asked.content.decode()  # asks first, with counts
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == RolloutPlan.Status.PUBLISHED


def test_follow_ups_page_is_open_to_anyone_logged_in(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("rollouts:follow-ups"))

    assert response.status_code == 200


def test_days_page_saves_changed_days_and_shows_errors_beside_them(planned, client):
    _org, hr, plan = planned
    cohort = plan.cohorts.get(number=1)
    client.force_login(hr)
    url = reverse("rollouts:plan-days", args=[plan.pk])
    data = {}
    for c in plan.cohorts.all():
        data[f"c{c.pk}-capacity"] = c.capacity
        for i, day in enumerate(c.day_list(), start=1):
            data[f"c{c.pk}-day_{i}"] = day.isoformat()
    data[f"c{cohort.pk}-day_1"] = "not a date"

    response = client.post(url, data)

    assert response.status_code == 400
    assert f'id="id_c{cohort.pk}-day_1_error"' in response.content.decode()
    data[f"c{cohort.pk}-day_1"] = "2099-01-05"
    assert client.post(url, data).status_code == 302
    cohort.refresh_from_db()
    assert cohort.day_list()[-1].isoformat() == "2099-01-05"


def test_the_hr_director_is_told_of_a_programme_day_on_a_public_holiday(
    planned, client
):
    _org, hr, plan = planned
    cohort = plan.cohorts.get(number=2)
    easter_monday = dt.date(2027, 3, 29)  # Annandag påsk
    cohort.dates = [
        (easter_monday + dt.timedelta(weeks=2 * n)).isoformat()
        for n in range(len(cohort.dates))
    ]
    cohort.save()
    client.force_login(hr)

    days = client.get(reverse("rollouts:plan-days", args=[plan.pk])).content.decode()
    detail = client.get(reverse("rollouts:plan-detail", args=[plan.pk]))

    field = f"id_c{cohort.pk}-day_1"
    assert f'id="{field}_helptext">Public holiday: Easter Monday</p>' in days
    assert f'aria-describedby="{field}_helptext"' in days
    assert days.count("Public holiday:") == 1
    assert "Public holiday: Easter Monday (" in detail.content.decode()


def test_marking_a_manager_as_left_asks_first(client):
    org, hr, _programme = municipality()
    employment = EmploymentFactory(organisation=org, employee_id="E777")
    client.force_login(hr)
    url = reverse("rollouts:mark-left", args=[org.pk])
    data = {"employee_id": "E777", "left_on": "2030-01-31"}

    asked = client.post(url, data)
    employment.refresh_from_db()
    left_when_asked = employment.left_on
    client.post(url, data | {"confirmed": "yes"})

    employment.refresh_from_db()
    assert "0 places in cohorts starting after" in asked.content.decode()
    assert left_when_asked is None
    assert str(employment.left_on) == "2030-01-31"
