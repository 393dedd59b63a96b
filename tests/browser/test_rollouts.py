"""An HR director imports the municipality's managers from a CSV export, sees
the validation report, confirms, plans the cohorts (a background task) and
publishes; axe-core checks the import, plan and dashboard pages.

Locators use ids and data attributes, so the test does not depend on how a
phrase is translated (the pages speak Swedish).
"""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications.testing import IMMEDIATE_TASKS
from tillit.programmes.tests.factories import ProgrammeFactory
from tillit.registrations.models import Registration
from tillit.rollouts import services
from tillit.rollouts.models import Employment, RolloutPlan

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
HEADER = "Anställningsnummer;Namn;E-post;Enhet;Titel;Chefens anställningsnummer"


@pytest.fixture
def tasks_at_once(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database queue for the worker, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}
    }


@pytest.fixture(scope="module")
def axe():
    return Axe()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}] {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}")
    return "\n".join(lines)


def assert_accessible(axe, page, name):
    results = axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"


@pytest.fixture
def municipality(transactional_db):
    org = OrganisationFactory(name="Exempelkommun")
    hr = PersonFactory(organisation=org, title="HR-direktör", preferred_language="sv")
    org.employer_contacts.add(hr)
    programme = ProgrammeFactory(organiser=org, title="Chefsprogrammet i Exempelkommun")
    return org, hr, programme


def export(rows):
    return ("\n".join([HEADER, *(";".join(r) for r in rows)]) + "\n").encode(
        "utf-8-sig"
    )


def managers():
    rows = [
        ["K1", "Karin Kommunchef", "k1@example.org", "Ledning", "Kommundirektör", ""]
    ]
    for d in (1, 2, 3):
        rows.append(
            [
                f"D{d}",
                f"Dora Chef{d}",
                f"d{d}@example.org",
                f"Förvaltning {d}",
                "Förvaltningschef",
                "K1",
            ]
        )
        for u in (1, 2, 3):
            rows.append(
                [
                    f"D{d}U{u}",
                    f"Ulla Enhet{d}{u}",
                    f"d{d}u{u}@example.org",
                    f"Avdelning {d}",
                    "Enhetschef",
                    f"D{d}",
                ]
            )
    return rows


def test_import_plan_and_publish(page, log_in_as, municipality, axe, tasks_at_once):
    org, hr, programme = municipality
    log_in_as(hr)
    bad = [*managers(), ["X1", "Bo Fel", "bo@fel", "Avdelning 1", "Chef", "ZZ"]]

    page.goto(f"/rollouts/organisations/{org.pk}/")
    page.locator("#import-link").click()
    assert_accessible(axe, page, "import upload")
    page.locator("#id_file").set_input_files(
        files=[{"name": "chefer.csv", "mimeType": "text/csv", "buffer": export(bad)}]
    )
    page.locator("#check-file").click()

    expect(page.locator("#problems tbody tr")).to_have_count(1)
    expect(page.locator("#confirm-import")).to_have_count(0)
    assert_accessible(axe, page, "import report with problems")
    assert not Employment.objects.exists()

    page.goto(f"/rollouts/organisations/{org.pk}/import/")
    page.locator("#id_file").set_input_files(
        files=[
            {"name": "chefer.csv", "mimeType": "text/csv", "buffer": export(managers())}
        ]
    )
    page.locator("#check-file").click()
    expect(page.locator("[data-created]")).to_have_text("13")
    page.locator("#confirm-import").click()
    expect(page.locator("#import-result")).to_be_visible()
    assert Employment.objects.filter(organisation=org).count() == 13

    start = timezone.localdate() + dt.timedelta(days=30)
    page.goto(f"/rollouts/organisations/{org.pk}/plans/new/")
    page.locator("#id_name").fill("Alla chefer")
    page.locator("#id_programme").select_option(str(programme.pk))
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + dt.timedelta(days=365)).isoformat())
    page.locator("#id_cohort_size").fill("5")
    page.locator("#id_cohort_count").fill("4")
    page.locator("#id_max_unit_share").fill("50")
    page.locator("#create-plan").click()

    page.locator("#run-planning").click()
    expect(page.locator("#plan-status")).to_have_attribute("data-run-status", "done")
    expect(page.locator("#placed-count")).to_have_text("13 / 13")
    assert_accessible(axe, page, "plan")

    page.locator("#publish-plan").click()
    expect(page.locator("#change-counts")).to_be_visible()  # asks first, with counts
    assert_accessible(axe, page, "publish preview")
    page.locator("#confirm-publish").click()
    expect(page.locator("#plan-state")).to_have_text("Publicerad")
    plan = RolloutPlan.objects.get()
    assert plan.status == RolloutPlan.Status.PUBLISHED
    assert (
        Registration.objects.filter(
            cohort__programme=programme, status=Registration.Status.CONFIRMED
        ).count()
        == 13
    )

    page.goto(f"/rollouts/organisations/{org.pk}/dashboard/")
    expect(page.locator("#dashboard-total td").first).to_have_text("13")
    assert_accessible(axe, page, "dashboard")


def test_another_organisations_hr_director_sees_nothing(page, log_in_as, municipality):
    org, _hr, _programme = municipality
    other = OrganisationFactory(name="Grannkommun")
    other_hr = PersonFactory(organisation=other)
    other.employer_contacts.add(other_hr)
    log_in_as(other_hr)

    response = page.goto(f"/rollouts/organisations/{org.pk}/dashboard/")

    assert response.status == 404


def test_planning_progress_is_polled_until_done(
    page, log_in_as, municipality, queued_tasks
):
    """With the database task queue the page shows the queued run and polls;
    when the worker has planned, the page reloads with the result."""
    org, hr, programme = municipality
    batch = services.preview_import(
        org, actor=hr, filename="chefer.csv", content=export(managers())
    )
    services.confirm_import(batch, actor=hr)
    start = timezone.localdate() + dt.timedelta(days=30)
    plan = services.create_plan(
        org,
        actor=hr,
        programme=programme,
        name="Alla chefer",
        starts_on=start,
        ends_on=start + dt.timedelta(days=365),
        cohort_size=5,
        cohort_count=4,
        max_unit_share=0.5,
    )
    log_in_as(hr)
    page.goto(f"/rollouts/plans/{plan.pk}/")

    page.locator("#run-planning").click()
    expect(page.locator("#plan-status")).to_have_attribute("data-run-status", "queued")
    expect(page.locator("#plan-status")).to_have_attribute("hx-trigger", "every 2s")
    services.run_planning(plan.pk)  # what the worker does

    expect(page.locator("#placed-count")).to_have_text("13 / 13")
    expect(page.locator("#plan-status")).to_have_attribute("data-run-status", "done")


@pytest.fixture
def published(municipality, tasks_at_once):
    org, hr, programme = municipality
    batch = services.preview_import(
        org, actor=hr, filename="chefer.csv", content=export(managers())
    )
    services.confirm_import(batch, actor=hr)
    start = timezone.localdate() + dt.timedelta(days=30)
    plan = services.create_plan(
        org,
        actor=hr,
        programme=programme,
        name="Alla chefer",
        starts_on=start,
        ends_on=start + dt.timedelta(days=365),
        cohort_size=5,
        cohort_count=4,
        max_unit_share=0.5,
    )
    services.run_planning(plan.pk)
    services.publish(plan, actor=hr)
    return org, hr, plan


@pytest.mark.parametrize("name", ["follow-ups", "days", "cohort", "organisation"])
def test_more_rollout_pages_have_no_serious_accessibility_violations(
    page, log_in_as, published, axe, name
):
    from tillit.programmes.models import Cohort
    from tillit.rollouts.models import FollowUp

    org, hr, plan = published
    follow_up = FollowUp.objects.select_related("employment__person").first()
    today = timezone.localdate()
    Cohort.objects.filter(pk=follow_up.cohort_id).update(
        starts_on=today - dt.timedelta(days=40), ends_on=today - dt.timedelta(days=3)
    )
    urls = {
        "follow-ups": "/rollouts/follow-ups/",
        "days": f"/rollouts/plans/{plan.pk}/days/",
        "cohort": f"/rollouts/plans/{plan.pk}/cohorts/{plan.cohorts.first().pk}/",
        "organisation": f"/rollouts/organisations/{org.pk}/",
    }
    person = follow_up.employment.person
    person.preferred_language = "sv"
    person.save()
    log_in_as(person if name == "follow-ups" else hr)

    response = page.goto(urls[name])

    assert response.status == 200
    assert_accessible(axe, page, name)
