"""The Finnish demo organiser (arrangor.fm, Finansministeriet) writes a cohort and
its sessions in Finnish and Swedish, in the Finnish interface: the forms show the
Finnish fieldset first, nothing overflows at 390 or 1280 px, and axe-core finds
nothing serious. A Finnish participant then reads the cohort in Finnish, a Swedish
one in Swedish. Screenshots go to $TILLIT_SCREENSHOTS when it is set."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from tillit.demo.core import DEMO_PASSWORD
from tillit.evaluations.models import Question
from tillit.programmes.models import Cohort, Programme

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}
ORGANISER = "arrangor.fm@example.org"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, live_server):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        with override_settings(PASSWORD_HASHERS=fast):
            call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        call_command("flush", interactive=False, verbosity=0)


def check(page, name):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, name
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in BLOCKING], name
    folder = os.environ.get("TILLIT_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def languages(page):
    return page.locator("form .language-version").evaluate_all(
        "nodes => nodes.map(n => n.dataset.language)"
    )


def test_the_finnish_organiser_writes_a_cohort_in_finnish_and_swedish(
    demo, page, browser, live_server, django_db_blocker
):
    with django_db_blocker.unblock():
        programme = Programme.objects.get(slug="fm-smagrupper-hogsta-ledningen")
    page.goto("/login/")
    page.locator("#id_login").fill(ORGANISER)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_url(lambda url: "/login/" not in url, wait_until="commit")
    # The Finnish interface (the language menu sets this cookie).
    page.context.add_cookies(
        [{"name": "django_language", "value": "fi", "url": live_server.url}]
    )
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        cohort = _write_cohort(page, programme, width, django_db_blocker)
        _read_cohort(browser, live_server, cohort, width)
        _question_form(page, django_db_blocker)


def _write_cohort(page, programme, width, django_db_blocker):

    page.goto(f"/organiser/programmes/{programme.pk}/cohorts/new/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    assert languages(page)[:3] == ["fi", "sv", "en"]
    expect(page.get_by_role("group", name="Suomeksi").first).to_be_visible()
    page.fill("#id_name_fi", f"Syksy {width}")
    page.fill("#id_name_sv", f"Hösten {width}")
    page.fill("#id_location_fi", "Valtiovarainministeriö, Helsinki")
    page.fill("#id_location_sv", "Finansministeriet, Helsingfors")
    page.fill("#id_starts_on", "2027-09-06")
    page.fill("#id_ends_on", "2027-12-13")
    page.fill("#id_capacity", "20")
    page.fill("#id_registration_opens_at", "2027-05-03T09:00")
    page.fill("#id_registration_closes_at", "2027-08-27T16:00")
    page.fill("#id_sessions-0-title_fi", "Aamukahvit 1")
    # A session row's other languages are folded away until opened.
    expect(page.locator("#id_sessions-0-title_sv")).to_be_hidden()
    page.locator("#session-row-1 summary").click()
    page.fill("#id_sessions-0-title_sv", "Morgonträff 1")
    page.fill("#id_sessions-0-starts_at", "2027-09-06T08:00")
    page.fill("#id_sessions-0-ends_at", "2027-09-06T09:30")
    check(page, "cohort-new-fi")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/cohorts/new/" not in url)

    with django_db_blocker.unblock():
        cohort = Cohort.objects.get(name_fi=f"Syksy {width}")
        assert cohort.name_sv == f"Hösten {width}"
        session = cohort.sessions.get()
        assert (session.title_fi, session.title_sv) == ("Aamukahvit 1", "Morgonträff 1")
    expect(page.locator("main")).to_contain_text("Aamukahvit 1")

    page.goto(f"/organiser/cohorts/{cohort.pk}/edit/")
    assert languages(page) == ["fi", "sv", "en"]
    expect(page.locator("#id_name_sv")).to_have_value(f"Hösten {width}")
    check(page, "cohort-edit-fi")

    page.goto(f"/organiser/sessions/{session.pk}/edit/")
    assert languages(page) == ["fi", "sv", "en"]
    page.fill("#id_location_fi", "Snellmaninkatu 1, Helsinki")
    check(page, "session-edit-fi")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    with django_db_blocker.unblock():
        session.refresh_from_db()
        assert session.location_fi == "Snellmaninkatu 1, Helsinki"
        assert session.title_sv == "Morgonträff 1"

    return cohort


def _question_form(page, django_db_blocker):
    """The ministry's standard form: a choice question's options in a box per
    language, Finnish first, line by line the same option."""
    with django_db_blocker.unblock():
        question = Question.objects.get(
            form__organisation__staff__email=ORGANISER, kind=Question.Kind.SINGLE
        )
    page.goto(reverse("evaluations:question-edit", args=[question.pk]))
    assert languages(page) == ["fi", "sv", "en"]
    expect(page.locator("#id_choices_text_fi")).to_have_value(
        "Etänä\nPaikan päällä\nKumpi tahansa käy"
    )
    expect(page.locator("#id_choices_text_sv")).to_have_value(
        "Digitalt\nPå plats\nBåda går bra"
    )
    check(page, "question-edit-fi")


def _read_cohort(browser, live_server, cohort, width):
    """A visitor whose browser asks for Finnish reads the Finnish texts; one
    asking for Swedish reads the Swedish."""
    for locale, name in (("fi-FI", f"Syksy {width}"), ("sv-SE", f"Hösten {width}")):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        visitor = context.new_page()
        visitor.goto(f"/cohorts/{cohort.pk}/")
        expect(visitor.locator("h1")).to_contain_text(name)
        context.close()
