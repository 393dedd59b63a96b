"""Every demo role's pages fit a phone and pass axe; registering and cancelling
work by keyboard alone, with the focus where a screen-reader user needs it.

The page check loads the demo once, signs in through the real login form once
per role and visits the role's pages, in Swedish and again in Finnish: those its
navigation links to, then those they link to, one page per URL pattern (a
pattern another role already showed is not shown again). Each page is checked
at 390 px (a phone) and 1280 px (a laptop), some key pages at 320 px too (400 %
zoom, WCAG 1.4.10): the page must not scroll sideways (tables scroll inside
their own region) and axe-core must find no violation at all, at 390 and at
1280 px. One browser, one context per role, the viewport
resized on the loaded page rather than loading it again.
"""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tillit.core.models import Person
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.demo.core import DEMO_PASSWORD
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations.selectors import active_registration

from .conftest import TIMEOUT_MS
from .test_accessibility import describe

pytestmark = pytest.mark.browser

#: Lighter roles first: a pattern is checked once, by the first role that has it
#: (the HR director of ~700 managers then only shows the rollout's own pages).
ROLES = [
    "deltagare.stat@example.org",
    "deltagare.kommun@example.org",
    "arrangor.esv@example.org",
    "larare.esv@example.org",
    "hr.eskilstuna@example.org",
    "arrangor.adda@example.org",
    "arrangor.cks@example.org",
    "arrangor.fm@example.org",
    "ordforande.hrforum@example.org",
    "smagrupp.medlem@example.org",
    "hr.linkoping@example.org",
]
WIDTHS = (390, 1280)
NARROWEST = 320
#: Pages also checked at 320 px: the ones people use most on a phone.
AT_320 = {
    "registrations:catalogue",
    "registrations:cohort-detail",
    "registrations:my-programmes",
    "portal:home",
    "registrations:organiser-cohort",
    "evaluations:programme-results",
}
PATTERNS_PER_ROLE = 9
#: Links not to follow: downloads, other sites' sign-in, actions and feeds.
SKIP = re.compile(
    r"^/(admin|api|i18n|static|media|accounts|start)/|\.(ics|xlsx|csv|pdf)$|"
    r"/(pdf|ics|xlsx|csv|calendar|feed)/$|/files?/|/download|/export|"
    r"logout|/delete|/cancel|/unsubscribe"
)
#: Start pages every role shares: a later role does not read them for links.
SHARED = {
    "registrations:catalogue",
    "registrations:my-programmes",
    "events:list",
    "networks:network-list",
    "networks:my-networks",
    "notifications:settings",
}
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"
AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']})"
# Two frames: resize observers are told within the first (before its paint).
NEXT_FRAME = """() => new Promise(
    done => requestAnimationFrame(() => requestAnimationFrame(done)))"""
LINKS = """root => Array.from(root.querySelectorAll('a[href]:not([download])'),
                           a => a.getAttribute('href'))"""


@pytest.fixture(scope="module")
def _demo_for_module(django_db_setup, django_db_blocker, live_server):
    """Removes the demo after the module."""
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(_demo_for_module, django_db_blocker):
    """The demo, committed for the live server: loaded once, and again when a
    test that ran in between (a browser test empties the database after
    itself) took it away."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        if not Person.objects.filter(email=ROLES[0]).exists():
            with override_settings(PASSWORD_HASHERS=fast):
                call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _pattern(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _own_links(page, selector):
    """Paths of the site that the part of the page links to, in order."""
    paths = []
    for href in page.eval_on_selector(selector, LINKS):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not SKIP.search(parts.path):
            paths.append(parts.path)
    return paths


def _linked_from(context, path):
    """The site's paths that a page's main part links to, read from its HTML
    without drawing it (for a role's start pages another role already showed)."""
    text = context.request.get(path).text()
    main = text[text.find("<main") : text.find("</main>")]
    paths = []
    for href in re.findall(r'<a [^>]*href="(/[^"#?]*)', main):
        if not SKIP.search(href):
            paths.append(href)
    return paths


#: The login form's button in each language (a Finnish browser gets Finnish).
SIGN_IN = {"sv": "Logga in", "fi": "Kirjaudu sisään"}


def _log_in(page, email, language="sv"):
    page.goto("/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    main = page.get_by_role("main")
    main.get_by_role("button", name=SIGN_IN[language], exact=True).click()
    try:
        # Signing in hashes the password and renders the start page: on a
        # machine busy with the other test process it can take long.
        page.wait_for_url(
            lambda url: "/login/" not in url, wait_until="commit", timeout=90_000
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"{email} was not signed in: {main.inner_text()[:500]}")


def _check(page, path, pattern):
    """What is wrong with the page loaded at `path`, as lines (none: fine)."""
    problems = []
    for width in (*WIDTHS, NARROWEST) if pattern in AT_320 else WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate(NEXT_FRAME)  # what the page does on a resize has run
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems.append(f"{path} at {width} px scrolls sideways by {overflow} px")
        if width in WIDTHS:
            violations = page.evaluate(AXE_RUN)["violations"]
            if violations:
                problems.append(f"{path} at {width} px:\n{describe(violations)}")
    return problems


def _visit(page, path, pattern):
    response = page.goto(path)
    if response is None or response.status != 200:
        status = response.status if response else "no answer"
        return [f"{path} ({pattern}): HTTP {status}"]
    return _check(page, path, pattern)


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_every_role_s_pages_fit_phones_and_pass_axe(
    browser, live_server, demo, language
):
    axe_script = Axe().axe_script
    seen, problems, checked = set(), [], []
    for email in ROLES:
        context = browser.new_context(
            base_url=live_server.url,
            locale=f"{language}-{'FI' if language == 'fi' else 'SE'}",
            timezone_id="Europe/Stockholm",
            viewport={"width": WIDTHS[0], "height": 800},
        )
        context.set_default_timeout(TIMEOUT_MS * 3)
        context.add_init_script(axe_script)  # in every page, before its own
        page = context.new_page()
        _log_in(page, email, language)
        # The language menu's cookie, which wins over the person's profile.
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(urlsplit(page.url).path)
        assert page.locator("html").get_attribute("lang") == language
        queue = [urlsplit(page.url).path, *_own_links(page, "header")]
        level0 = set(queue)
        followed, visits = set(), 0
        while queue and visits < PATTERNS_PER_ROLE:
            path = queue.pop(0)
            pattern = _pattern(path)
            if pattern is None or pattern in followed:
                continue
            followed.add(pattern)
            if pattern in seen:
                if path in level0 and pattern not in SHARED:
                    queue += _linked_from(context, path)
                continue
            seen.add(pattern)
            visits += 1
            checked.append(f"{email.split('@')[0]} {path}")
            problems += [f"{email}: {p}" for p in _visit(page, path, pattern)]
            queue += _own_links(page, "main")
        context.close()

    assert len(checked) > 3 * len(ROLES), "\n".join(checked)
    assert not problems, "\n".join(problems)


# Keyboard only ------------------------------------------------------------------


def _tab_to(page, selector, limit=40):
    """Press Tab until the element is focused; the elements passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return passed
        passed.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{selector} not reached by Tab:\n" + "\n".join(passed))


def _focused_id(page):
    return page.evaluate("document.activeElement.id")


@pytest.fixture
def participant_and_cohort(transactional_db):
    person = PersonFactory(
        organisation=OrganisationFactory(sector="state"), preferred_language="sv"
    )
    cohort = CohortFactory(capacity=10)
    SessionFactory(cohort=cohort, link="https://meet.example.org/1")
    return person, cohort


def test_participant_registers_and_cancels_by_keyboard_alone(
    page, log_in_as, participant_and_cohort
):
    person, cohort = participant_and_cohort
    log_in_as(person)
    page.goto(cohort.get_absolute_url())
    passed = _tab_to(page, "#signup-register")
    assert not any("meet.example.org" in html for html in passed), passed

    page.keyboard.press("Enter")

    expect(page.locator("#signup-status")).to_be_focused()
    expect(page.locator("#signup-status")).to_have_attribute("role", "status")
    assert active_registration(person, cohort) is not None
    page.keyboard.press("Tab")
    assert _focused_id(page) == "signup-cancel"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cancel/"))
    _tab_to(page, "#confirm-button")

    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/cohorts/{cohort.pk}/$"))
    expect(page.locator("#messages .message")).to_be_focused()
    assert active_registration(person, cohort) is None


def test_availability_refresh_leaves_the_focus_and_can_be_paused(
    page, log_in_as, participant_and_cohort
):
    person, cohort = participant_and_cohort
    log_in_as(person)
    page.goto(cohort.get_absolute_url())
    pause = page.locator("[data-refresh-control]").get_by_role("button")
    expect(pause).to_be_visible()
    _tab_to(page, "#signup-register")
    refresh = """() => new Promise(done => {
        setTimeout(() => done('timeout'), 3000);
        htmx.ajax('GET', location.pathname,
                  {source: '#signup', target: '#signup', swap: 'outerHTML'})
          .then(() => done('done'));
    })"""

    page.evaluate(refresh)

    assert _focused_id(page) == "signup-register"
    pause.focus()
    page.keyboard.press("Enter")
    expect(pause).to_have_attribute("aria-pressed", "true")
    marker = "document.querySelector('#signup').dataset.marker = 'old'"
    page.evaluate(marker)
    page.locator("#signup-heading").focus()
    page.evaluate("document.activeElement.blur()")
    page.evaluate(refresh)
    assert page.evaluate("document.querySelector('#signup').dataset.marker") == "old"
