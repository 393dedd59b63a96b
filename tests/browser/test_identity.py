"""Everyone gets in: an HR director imports three managers, each gets an
invitation by e-mail, and one of them activates the account, signs in through
the real login form and registers for a cohort. Then the menu, at phone width."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications.testing import IMMEDIATE_TASKS
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration

pytestmark = pytest.mark.browser

HEADER = "Anställningsnummer;Namn;E-post;Enhet;Titel;Chefens anställningsnummer"
ROWS = [
    ["A1", "Alma Chef", "alma.chef@example.org", "Ledning", "Kommundirektör", ""],
    ["B2", "Bert Chef", "bert.chef@example.org", "Skola", "Förvaltningschef", "A1"],
    ["C3", "Cilla Chef", "cilla.chef@example.org", "Skola", "Rektor", "B2"],
]
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/\S+/\S+/)")
PASSWORD = "Ett-långt-lösen-2027"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def tasks_at_once(settings):
    settings.TASKS = IMMEDIATE_TASKS


def _csv():
    lines = [HEADER, *(";".join(row) for row in ROWS)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _blocking(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in BLOCKING]


def test_imported_managers_are_invited_and_one_activates_and_registers(
    page, log_in_as, mailoutbox, tasks_at_once
):
    organisation = OrganisationFactory(name="Exempelkommun")
    hr = PersonFactory(organisation=organisation, preferred_language="sv")
    organisation.employer_contacts.add(hr)
    cohort = CohortFactory(
        programme=ProgrammeFactory(organiser=organisation), capacity=10
    )
    log_in_as(hr)

    page.goto(f"/rollouts/organisations/{organisation.pk}/import/")
    page.locator("#id_file").set_input_files(
        files=[{"name": "chefer.csv", "mimeType": "text/csv", "buffer": _csv()}]
    )
    page.locator("#check-file").click()
    page.locator("#confirm-import").click()
    expect(page.locator("#import-result")).to_be_visible()

    invited = {message.to[0]: message for message in mailoutbox}
    assert sorted(invited) == sorted(row[2] for row in ROWS)
    assert "Hej Bert" in invited["bert.chef@example.org"].body

    page.goto("/invitations/")
    expect(page.locator("main table tbody tr")).to_have_count(3)

    page.context.clear_cookies()
    path = LINK.search(invited["bert.chef@example.org"].body).group(1)
    page.goto(path)
    assert _blocking(page) == []
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    expect(page).to_have_url(re.compile(r"/home/$"))

    page.context.clear_cookies()
    page.goto(cohort.get_absolute_url())
    page.locator("#signup").get_by_role("link").click()
    page.locator("#id_login").fill("bert.chef@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cohorts/{cohort.pk}/$"))
    page.locator("#signup").get_by_role("button", name="Anmäl dig").click()
    expect(page.locator("#signup").get_by_role("status")).to_be_visible()
    assert Registration.objects.filter(
        cohort=cohort, person__email="bert.chef@example.org"
    ).exists()

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Länken fungerar inte längre"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_my_pages_menu_opens_by_keyboard_and_fits_the_screen(
    page, log_in_as, width
):
    organisation = OrganisationFactory()
    hr = PersonFactory(organisation=organisation, preferred_language="sv")
    organisation.employer_contacts.add(hr)
    page.set_viewport_size({"width": width, "height": 800})
    log_in_as(hr)

    page.goto("/invitations/")
    summary = page.locator(".menu-disclosure > summary")
    summary.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Inbjudningar")).to_be_visible()
    expect(page.get_by_role("link", name="Arbetsgivarkontakt")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _blocking(page) == []
