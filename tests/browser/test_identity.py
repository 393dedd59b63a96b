"""Everyone gets in: an HR director imports three managers, each gets an
invitation by e-mail; one of them activates the account, signs in through the
real login form and registers for a cohort; another signs in through the
organisation's OpenID Connect provider, a third through its SAML identity
provider (both simulated on 127.0.0.1 by tillit.accounts.testing, one
organisation each, as an organisation has one sign-in service). Then the
refusal page and the menu, at phone width."""

import re
from urllib.parse import urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from axe_playwright_python.sync_playwright import Axe
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.urls import reverse
from django.utils.module_loading import import_string
from playwright.sync_api import expect

from tillit.accounts.models import EmailDomain, OrganisationSignIn
from tillit.accounts.testing import (
    CLIENT_ID,
    CLIENT_SECRET,
    running_openid_provider,
    running_saml_idp,
)
from tillit.core.models import Person, SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications.testing import IMMEDIATE_TASKS
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration

pytestmark = [
    pytest.mark.browser,
    # python3-saml 1.16 calls datetime.utcnow() and utcfromtimestamp(), deprecated.
    pytest.mark.filterwarnings("ignore:datetime.datetime.utc"),
]

DOMAIN = "exempelkommun.example.org"
SLUG = "exempelkommun"
HEADER = "Anställningsnummer;Namn;E-post;Enhet;Titel;Chefens anställningsnummer"
ROWS = [
    ["A1", "Alma Chef", f"alma.chef@{DOMAIN}", "Ledning", "Kommundirektör", ""],
    ["B2", "Bert Chef", f"bert.chef@{DOMAIN}", "Skola", "Förvaltningschef", "A1"],
    ["C3", "Cilla Chef", f"cilla.chef@{DOMAIN}", "Skola", "Rektor", "B2"],
]
ALMA, BERT, CILLA = (row[2] for row in ROWS)
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/\S+/\S+/)")
PASSWORD = "Ett-långt-lösen-2027"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def tasks_at_once(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _sign_in_over_plain_http(settings, monkeypatch):
    """The live server speaks plain HTTP (allauth would send the identity
    provider an https:// callback); Tillit reaches the local providers without
    a proxy; allauth's sign-in counters start empty."""
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def openid_provider():
    with running_openid_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def saml_idp():
    with running_saml_idp() as idp:
        yield idp


def _organisation(**sign_in):
    """Exempelkommun: its managers' domain and its own sign-in service; HR."""
    organisation = OrganisationFactory(name="Exempelkommun")
    EmailDomain.objects.create(organisation=organisation, domain=DOMAIN)
    OrganisationSignIn.objects.create(organisation=organisation, slug=SLUG, **sign_in)
    hr = PersonFactory(organisation=organisation, preferred_language="sv")
    organisation.employer_contacts.add(hr)
    return organisation, hr


@pytest.fixture
def oidc_organisation(openid_provider, live_server):
    openid_provider.reset()
    callback = reverse("openid_connect_callback", args=[f"oidc-{SLUG}"])
    openid_provider.redirect_uris.add(f"{live_server.url}{callback}")
    return _organisation(
        protocol=OrganisationSignIn.Protocol.OIDC,
        label="Exempelkommun (Entra ID)",
        oidc_issuer=openid_provider.url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        # Bert keeps his password: the organisation allows both.
        password_allowed=True,
    )


@pytest.fixture
def saml_organisation(saml_idp):
    saml_idp.reset()
    return _organisation(
        protocol=OrganisationSignIn.Protocol.SAML,
        label="Exempelkommun (SITHS)",
        saml_entity_id=saml_idp.entity_id,
        saml_sso_url=saml_idp.sso_url,
        saml_certificate=saml_idp.signer.cert_pem,
        email_attribute=saml_idp.email_attribute,
    )


def _csv():
    lines = [HEADER, *(";".join(row) for row in ROWS)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _blocking(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in BLOCKING]


def _import_managers(page, log_in_as, organisation, hr, mailoutbox):
    """HR imports the three managers through the rollout import page; the
    invitation mails, by address."""
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
    return invited


def _paths_visited(page):
    """The paths the page's main frame asks for, redirects included."""
    paths = []
    page.on(
        "request",
        lambda request: (
            request.is_navigation_request() and paths.append(urlparse(request.url).path)
        ),
    )
    return paths


def _signed_in_person(page, live_server):
    """Who the browser's session cookie belongs to (None: nobody)."""
    from django.conf import settings

    cookies = page.context.cookies(live_server.url)
    key = next(
        (c["value"] for c in cookies if c["name"] == settings.SESSION_COOKIE_NAME),
        None,
    )
    if key is None:
        return None
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(key)
    pk = store.get("_auth_user_id")
    return Person.objects.filter(pk=pk).first() if pk else None


def _sign_in_through_the_organisation(page, email):
    page.goto("/login/")
    page.locator("#id_login").fill(email)
    page.get_by_role("button", name="Logga in via din organisation").click()


def test_imported_managers_are_invited_and_one_activates_and_registers(
    page, log_in_as, mailoutbox, tasks_at_once, oidc_organisation
):
    organisation, hr = oidc_organisation
    cohort = CohortFactory(
        programme=ProgrammeFactory(organiser=organisation), capacity=10
    )

    invited = _import_managers(page, log_in_as, organisation, hr, mailoutbox)
    assert "Hej Bert" in invited[BERT].body

    page.goto("/invitations/")
    expect(page.locator("main table tbody tr")).to_have_count(3)

    page.context.clear_cookies()
    path = LINK.search(invited[BERT].body).group(1)
    page.goto(path)
    assert _blocking(page) == []
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    expect(page).to_have_url(re.compile(r"/home/$"))

    page.context.clear_cookies()
    page.goto(cohort.get_absolute_url())
    page.locator("#signup").get_by_role("link").click()
    page.locator("#id_login").fill(BERT)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cohorts/{cohort.pk}/$"))
    page.locator("#signup").get_by_role("button", name="Anmäl dig").click()
    expect(page.locator("#signup").get_by_role("status")).to_be_visible()
    assert Registration.objects.filter(cohort=cohort, person__email=BERT).exists()

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Länken fungerar inte längre"
    )


def test_imported_manager_signs_in_through_the_organisations_openid_provider(
    page,
    live_server,
    log_in_as,
    mailoutbox,
    tasks_at_once,
    oidc_organisation,
    openid_provider,
):
    organisation, hr = oidc_organisation
    _import_managers(page, log_in_as, organisation, hr, mailoutbox)
    page.context.clear_cookies()
    alma = Person.objects.get(email=ALMA)
    people_before = Person.objects.count()
    openid_provider.sign_in_next({"sub": "entra-alma", "email": "Alma.Chef@" + DOMAIN})
    visited = _paths_visited(page)

    _sign_in_through_the_organisation(page, ALMA)

    expect(page).to_have_url(re.compile(r"/home/$"))
    assert openid_provider.refusals == []
    assert "/authorize" in visited
    assert "/start/" in visited
    assert _signed_in_person(page, live_server) == alma
    assert Person.objects.count() == people_before
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (
        alma,
        f"oidc-{SLUG}",
        "entra-alma",
    )


def test_imported_manager_signs_in_through_the_organisations_saml_provider(
    page, live_server, log_in_as, mailoutbox, tasks_at_once, saml_organisation, saml_idp
):
    organisation, hr = saml_organisation
    _import_managers(page, log_in_as, organisation, hr, mailoutbox)
    page.context.clear_cookies()
    cilla = Person.objects.get(email=CILLA)
    people_before = Person.objects.count()
    saml_idp.sign_in_next(CILLA)
    visited = _paths_visited(page)

    _sign_in_through_the_organisation(page, CILLA)

    expect(page).to_have_url(re.compile(r"/home/$"))
    assert saml_idp.refusals == []
    assert "/saml/sso" in visited
    assert f"/accounts/saml/{SLUG}/acs/" in visited
    assert "/start/" in visited
    assert _signed_in_person(page, live_server) == cilla
    assert Person.objects.count() == people_before
    account = SocialAccount.objects.get()
    assert (account.user, account.provider) == (cilla, f"saml-{SLUG}")


@pytest.mark.parametrize("width", [390, 1280])
def test_someone_the_organisation_knows_but_tillit_does_not_gets_a_calm_refusal(
    page, live_server, oidc_organisation, openid_provider, width, tmp_path
):
    people_before = Person.objects.count()
    openid_provider.sign_in_next({"sub": "entra-dora", "email": f"dora.ny@{DOMAIN}"})
    page.set_viewport_size({"width": width, "height": 800})

    _sign_in_through_the_organisation(page, f"dora.ny@{DOMAIN}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du kunde inte loggas in")
    page.screenshot(path=tmp_path / f"sso_refused-{width}.png", full_page=True)
    expect(
        page.get_by_role("link", name="Tillbaka till inloggningssidan")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _blocking(page) == []
    assert Person.objects.count() == people_before
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SSO_REFUSED).exists()
    assert _signed_in_person(page, live_server) is None


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
