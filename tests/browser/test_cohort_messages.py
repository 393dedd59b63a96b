"""An organiser writes to a cohort on a phone-sized screen: the form, the
preview with the count, sending, and the message listed on the cohort page.
No page scrolls sideways at 390 px and axe-core finds nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


def overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def blocking_violations(page):
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING]


def test_an_organiser_previews_and_sends_a_message_on_a_phone(
    page, log_in_as, transactional_db
):
    cohort = CohortFactory(name="Våren 2027")
    organiser = OrganiserFactory(
        organiser_of=cohort.programme.organiser, preferred_language="sv"
    )
    for _i in range(3):
        RegistrationFactory(
            cohort=cohort, person=PersonFactory(preferred_language="sv")
        )
    log_in_as(organiser)
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(reverse("learning:cohort-message", args=[cohort.pk]))
    page.select_option("#id_recipients", "confirmed")
    page.fill("#id_subject", "Inför första träffen")
    page.fill("#id_body", "Välkomna! Ta med dator.")
    assert overflow(page) <= 0
    assert not blocking_violations(page)
    page.locator("form.form-box button[type=submit]").click()

    expect(page.locator("#message-count")).to_contain_text("3")
    assert overflow(page) <= 0
    assert not blocking_violations(page)
    page.click("#confirm-button")

    expect(page.locator("#messages-heading")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Inför första träffen")
    assert overflow(page) <= 0
    assert Notification.objects.filter(kind="cohort_message").count() == 3
