"""Networks in a browser: a member opens the directory, chooses to show their
e-mail address (an HTMX form that also works without JavaScript), sees it in
the directory and leaves the network (after the confirmation page), after
which its pages are gone. axe-core checks every network page.

Locators use ids, so the tests do not depend on the Swedish.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tillit.core.tests.factories import PersonFactory
from tillit.networks import services
from tillit.networks.models import Membership
from tillit.networks.tests.factories import (
    AnnouncementFactory,
    ChairFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    SharedFileFactory,
)

from .test_accessibility import describe

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def network(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    chair = ChairFactory(
        person=PersonFactory(first_name="Kaisa", preferred_language="sv"),
        network__name="HR-direktörernas forum",
        network__slug="hr-forum",
    )
    network = chair.network
    network.chair = chair
    network.member = MembershipFactory(
        network=network,
        person=PersonFactory(
            first_name="Timo", email="timo@example.org", preferred_language="sv"
        ),
    )
    MembershipFactory(network=network, person__first_name="Elina")
    MeetingFactory(network=network, title="Morgonträff om HR-riktlinjerna")
    AnnouncementFactory(network=network, author=chair.person)
    SharedFileFactory(network=network, uploaded_by=chair.person)
    services.apply(PersonFactory(), network, text="Jag vill gärna vara med.")
    return network


def test_member_shows_their_email_in_the_directory_and_leaves(page, log_in_as, network):
    member = network.member
    log_in_as(member.person)

    page.goto("/networks/hr-forum/members/")
    directory = page.locator("#directory")
    expect(directory).to_contain_text(member.person.get_full_name())
    expect(directory).not_to_contain_text("timo@example.org")

    page.locator("#id_show_email").check()
    page.locator("#save-visibility").click()

    expect(page.locator("#directory")).to_contain_text("timo@example.org")
    expect(page.locator("#messages")).not_to_be_empty()
    member.refresh_from_db()
    assert member.show_email

    page.locator("#leave-button").click()
    page.locator("#confirm-button").click()

    expect(page).to_have_url("/networks/mine/")
    member.refresh_from_db()
    assert member.status == Membership.Status.LEFT
    response = page.goto("/networks/hr-forum/members/")
    assert response.status == 404


def test_visibility_form_works_without_javascript(browser, live_server, network):
    from django.conf import settings as django_settings
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(network.member.person)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto("/networks/hr-forum/members/")
    page.locator("#id_show_title").check()
    page.locator("#save-visibility").click()

    expect(page.locator("h1")).to_be_visible()
    network.member.refresh_from_db()
    assert network.member.show_title
    context.close()


PAGES = {
    "list": ("/networks/", None),
    "public": ("/networks/hr-forum/", None),
    "mine": ("/networks/mine/", "member"),
    "home": ("/networks/hr-forum/home/", "member"),
    "members": ("/networks/hr-forum/members/", "member"),
    "announcements": ("/networks/hr-forum/announcements/", "chair"),
    "meetings": ("/networks/hr-forum/meetings/", "chair"),
    "files": ("/networks/hr-forum/files/", "member"),
    "manage": ("/networks/hr-forum/manage/", "chair"),
    "create": ("/networks/new/", "organiser"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_network_page_has_no_serious_accessibility_violations(
    page, log_in_as, axe, network, name
):
    url, who = PAGES[name]
    if who == "organiser":
        person = PersonFactory()
        network.owner.staff.add(person)
        log_in_as(person)
    elif who:
        log_in_as(getattr(network, who).person)
    NetworkFactory(join_policy="application", name="Nätverket för offentligt ledarskap")
    page.goto(url)

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"
    assert page.locator("h1").count() == 1
