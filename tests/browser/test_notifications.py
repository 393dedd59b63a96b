"""E-mail and reminders: the settings page and the unsubscribe page, in Swedish,
checked with axe-core; a person turns a reminder kind off with the keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import BLOCKING, describe
from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import OPTIONAL_KINDS
from tillit.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def person(transactional_db):
    person = PersonFactory(preferred_language="sv", email="karin.lind@example.org")
    NotificationFactory(person=person, subject="Påminnelse: Ledning i komplexitet")
    return person


def _no_blocking_violations(page, axe, name):
    results = axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"


def test_the_settings_page_is_accessible_and_saves_choices(
    page, person, log_in_as, axe
):
    log_in_as(person)

    response = page.goto("/settings/notifications/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "E-post och påminnelser"
    _no_blocking_violations(page, axe, "settings")
    checkbox = page.get_by_label("Påminnelse inför en sammankomst")
    assert checkbox.is_checked()
    checkbox.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Dina val för e-post är sparade.").wait_for()
    assert not page.get_by_label("Påminnelse inför en sammankomst").is_checked()
    assert set(services.wanted_kinds(person)) == set(OPTIONAL_KINDS) - {
        services.Kind.SESSION_REMINDER
    }
    _no_blocking_violations(page, axe, "settings after saving")


def test_the_calendar_address_can_be_renewed(page, person, log_in_as):
    log_in_as(person)
    page.goto("/settings/notifications/")
    old = page.get_by_label("Din kalenderadress").input_value()

    page.get_by_role("button", name="Skapa en ny adress").click()

    page.get_by_text("Din kalender har fått en ny adress.").wait_for()
    new = page.get_by_label("Din kalenderadress").input_value()
    assert new != old
    assert new.endswith(".ics")
    assert page.request.get(new).status == 200
    assert page.request.get(old).status == 404


def test_the_unsubscribe_page_is_accessible_and_works_without_login(page, person, axe):
    url = services.unsubscribe_url(person, services.Kind.SESSION_REMINDER)
    path = url.split("://", 1)[1].split("/", 1)[1]

    page.goto("/" + path)
    _no_blocking_violations(page, axe, "unsubscribe")
    page.get_by_role("button", name="Stäng av").click()

    page.get_by_text("Klart: du får inte längre e-post om").wait_for()
    _no_blocking_violations(page, axe, "unsubscribed")
    assert not services.wants(person, services.Kind.SESSION_REMINDER)
