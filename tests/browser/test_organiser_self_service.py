"""The demo organiser runs a programme without the admin: signs in through the
login form, creates a cohort with two sessions in one form, copies it a year on
through the preview, and cancels a session after the counted confirmation.
Checked at 390 and 1280 px wide; axe-core finds nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import expect

from tillit.demo.core import DEMO_PASSWORD
from tillit.programmes.models import Cohort, Programme

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, live_server):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        with override_settings(PASSWORD_HASHERS=fast):
            call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        call_command("flush", interactive=False, verbosity=0)


def overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def check(page):
    assert overflow(page) <= 0
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in BLOCKING]


def test_the_demo_organiser_creates_copies_and_cancels_without_the_admin(
    demo, page, django_db_blocker
):
    width = 390
    page.set_viewport_size({"width": width, "height": 900})
    with django_db_blocker.unblock():
        programme = Programme.objects.filter(
            organiser__staff__email="arrangor.esv@example.org"
        ).first()
    name = f"Självservice {width}"

    page.goto("/login/")
    page.locator("#id_login").fill("arrangor.esv@example.org")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    assert DEMO_PASSWORD == "tillit-demo-2026"
    page.get_by_role("main").get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_url(lambda url: "/login/" not in url, wait_until="commit")

    page.goto(f"/organiser/programmes/{programme.pk}/")
    page.get_by_role("link", name="Ny omgång").click()
    page.fill("#id_name_sv", name)
    page.fill("#id_starts_on", "2027-04-06")
    page.fill("#id_ends_on", "2027-06-15")
    page.fill("#id_capacity", "30")
    page.fill("#id_registration_opens_at", "2027-01-25T09:00")
    page.fill("#id_registration_closes_at", "2027-03-20T16:00")
    for i, day in enumerate(("2027-04-06", "2027-04-20")):
        page.fill(f"#id_sessions-{i}-title_sv", f"Digital träff {i + 1}")
        page.fill(f"#id_sessions-{i}-starts_at", f"{day}T09:00")
        page.fill(f"#id_sessions-{i}-ends_at", f"{day}T12:00")
    check(page)
    page.get_by_role("button", name="Skapa omgången").click()

    expect(page.locator("#sessions-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Digital träff 2")
    check(page)

    page.click("#copy-cohort")
    page.fill("#id_name", f"{name}, kopia")
    page.fill("#id_days", "364")
    page.click("#copy-preview")
    expect(page.locator("#copy-plan")).to_contain_text("2 sammankomster")
    check(page)
    page.click("#copy-confirm")
    expect(page.locator("h1")).to_contain_text(f"{name}, kopia")

    page.locator("[id^=cancel-session-]").first.click()
    expect(page.locator("#cancel-consequence")).to_be_visible()
    check(page)
    page.click("#confirm-cancel")
    expect(page.locator("main del").first).to_contain_text("Digital träff 1")
    expect(page.locator("main")).to_contain_text("Inställd")
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page)
    page.click("#copy-cohort")
    check(page)
    with django_db_blocker.unblock():
        copy = Cohort.objects.get(name=f"{name}, kopia")
        assert copy.sessions.filter(cancelled_at__isnull=False).count() == 1
