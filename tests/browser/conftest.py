"""Browser tests: Playwright (sync API) drives Debian's Chromium against
pytest-django's live server. One browser per session, a fresh context per test.

The root conftest.py skips tests marked `browser` when /usr/bin/chromium is
missing; a browser is never downloaded.
"""

import os

import pytest
from django.conf import settings as django_settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from
# the test body are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started without the redirect to HTTPS.

    The suite runs with production settings, and SecurityMiddleware reads them
    once, when the server thread builds its handler; so they are changed only
    while the server starts.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or "localhost"
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        server = LiveServer(address)  # returns once the handler is built
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """Swedish, the default people see (the root conftest makes unit tests
    English), and cookies over plain HTTP (production cookies are Secure)."""
    settings.LANGUAGE_CODE = "sv"
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A page in a fresh context (no cookies), with Swedish as the browser's
    language, addressing the live server by relative URLs."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in_as(page, live_server):
    """Give the page's context a logged-in session for a person, without the
    login form (test_registration.py goes through the form itself)."""

    def log_in_as(person):
        client = Client()
        client.force_login(person)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in_as
