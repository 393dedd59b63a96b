"""Single sign-on through an organisation's OpenID Connect provider, end to end.

A small provider runs in the test process on 127.0.0.1 (discovery document,
token, userinfo and JWKS endpoints; its ID tokens are RS256 JWTs signed with a
key made here; tillit.accounts.testing). The browser's visit to the authorize
endpoint is mostly skipped: the test reads the state and PKCE challenge from
Tillit's redirect and comes back to the callback with a code the provider
knows.
"""

import time
from urllib.parse import parse_qs, parse_qsl, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from tillit.accounts import services
from tillit.accounts.models import EmailDomain, Invitation, OrganisationSignIn
from tillit.accounts.testing import CLIENT_ID, CLIENT_SECRET, running_openid_provider
from tillit.accounts.tokens import make_link_parts
from tillit.core.models import Person, SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.rollouts.tests.factories import EmploymentFactory

DOMAIN = "exempelkommun.example.org"
Kind = SecurityEvent.Kind


@pytest.fixture(scope="module")
def running_provider():
    with running_openid_provider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    running_provider.reset()
    return running_provider


@pytest.fixture
def service(db, provider):
    organisation = OrganisationFactory(name="Exempelkommun")
    EmailDomain.objects.create(organisation=organisation, domain=DOMAIN)
    return OrganisationSignIn.objects.create(
        organisation=organisation,
        slug="exempelkommun",
        protocol=OrganisationSignIn.Protocol.OIDC,
        label="Exempelkommun (Entra ID)",
        oidc_issuer=provider.url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        email_attribute="email",
        employee_id_attribute="employee_id",
    )


def invited(service, email):
    """A person HR added: no password of their own, an invitation sent."""
    person = PersonFactory(
        email=email, organisation=service.organisation, confirmed_address=False
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    services.invite(person)
    return person


def start(client, email=f"anna.andersson@{DOMAIN}"):
    """Discovery on the login page; the redirect to the provider's authorize page."""
    response = client.post("/login/", {"login": email, "sso": "1"})
    assert response.status_code == 302
    return response["Location"]


def come_back(client, authorize_url, code):
    """The browser returns from the provider to Tillit's callback."""
    query = parse_qs(urlparse(authorize_url).query)
    callback = urlparse(query["redirect_uri"][0]).path
    return client.get(callback, {"code": code, "state": query["state"][0]}, follow=True)


def sign_in(client, provider, claims, userinfo=None, **token_overrides):
    authorize_url = start(client)
    id_token = provider.id_token(claims, **token_overrides)
    code = provider.grant(authorize_url, id_token, userinfo or claims)
    return come_back(client, authorize_url, code)


def landed_via_start(response):
    """Signed in, the browser went to /start/ (which sends each person on to
    their own page) and got a page."""
    return "/start/" in [url for url, _status in response.redirect_chain] and (
        response.status_code == 200
    )


def signed_in_as(client):
    user = client.get("/start/").wsgi_request.user
    return user if user.is_authenticated else None


def assert_refused(response, template, people_before):
    assert template in [t.name for t in response.templates]
    assert response.status_code in (401, 403)
    assert SecurityEvent.objects.filter(kind=Kind.SSO_REFUSED).count() == 1
    assert Person.objects.count() == people_before
    assert not SocialAccount.objects.exists()


# Signing in


def test_login_page_offers_sign_in_through_the_organisation(client, db):
    response = client.get("/login/")

    assert "account/login.html" in [t.name for t in response.templates]
    assert 'name="sso"' in response.text
    assert "Sign in through your organisation" in response.text


def test_discovery_sends_the_browser_to_the_organisations_provider(client, service):
    authorize_url = start(client)

    query = parse_qs(urlparse(authorize_url).query)
    assert authorize_url.startswith(f"{service.oidc_issuer}/authorize?")
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert "openid" in query["scope"][0].split()


def test_invited_person_signs_in_through_discovery_and_lands_on_start(
    client, service, provider
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()
    client.get("/login/")
    anonymous_session = client.session.session_key

    response = sign_in(
        client, provider, {"sub": "entra-anna", "email": f"Anna.Andersson@{DOMAIN}"}
    )

    assert landed_via_start(response)
    assert signed_in_as(client) == person
    assert Person.objects.count() == people_before
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (
        person,
        "oidc-exempelkommun",
        "entra-anna",
    )
    assert Invitation.objects.get(person=person).accepted_at is not None
    assert person.emailaddress_set.get().verified
    assert SecurityEvent.objects.filter(kind=Kind.SIGNED_IN, person=person).exists()
    assert client.session.session_key != anonymous_session


def test_invited_person_signs_in_through_the_providers_authorize_page(
    client, service, provider
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    callback = reverse("openid_connect_callback", args=[service.provider_id])
    provider.redirect_uris.add(f"https://testserver{callback}")
    provider.sign_in_next({"sub": "entra-anna", "email": person.email})

    at_provider = requests.get(start(client), allow_redirects=False, timeout=5)
    back = urlparse(at_provider.headers["Location"])
    response = client.get(back.path, dict(parse_qsl(back.query)), follow=True)

    assert at_provider.status_code == 302
    assert back.path == callback
    assert landed_via_start(response)
    assert signed_in_as(client) == person
    assert provider.refusals == []


def test_provider_sends_nobody_back_to_an_unregistered_redirect_uri(
    client, service, provider
):
    provider.sign_in_next({"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"})

    at_provider = requests.get(start(client), allow_redirects=False, timeout=5)

    assert at_provider.status_code == 400
    assert "Location" not in at_provider.headers
    assert provider.refusals == ["unregistered redirect_uri"]


def test_next_address_outside_tillit_is_ignored(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    response = client.post(
        "/login/",
        {
            "login": f"anna.andersson@{DOMAIN}",
            "sso": "1",
            "next": "https://evil.example.net/",
        },
    )
    claims = {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"}
    code = provider.grant(response["Location"], provider.id_token(claims), claims)

    response = come_back(client, response["Location"], code)

    assert all("evil" not in url for url, _status in response.redirect_chain)
    assert landed_via_start(response)


def test_person_signs_in_again_through_the_same_account(client, service, provider):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    claims = {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"}
    sign_in(client, provider, claims)
    client.logout()

    response = sign_in(client, provider, claims)

    assert landed_via_start(response)
    assert signed_in_as(client) == person
    assert SocialAccount.objects.count() == 1


def test_person_is_matched_by_employee_id_when_the_email_claim_differs(
    client, service, provider
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    EmploymentFactory(
        organisation=service.organisation, person=person, employee_id="E-4711"
    )
    people_before = Person.objects.count()

    response = sign_in(
        client,
        provider,
        {
            "sub": "entra-anna",
            "email": "anna.a@old-name.example.net",
            "employee_id": "E-4711",
        },
    )

    assert landed_via_start(response)
    assert signed_in_as(client) == person
    assert Person.objects.count() == people_before
    assert SocialAccount.objects.get().user == person


def test_invitation_link_continues_with_the_organisations_service(
    client, service, provider
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    uidb64, token = make_link_parts(person)
    link = f"/accounts/invitation/{uidb64}/{token}/"

    page = client.get(link)
    response = client.post(link, {"sso": "1"})
    claims = {"sub": "entra-anna", "email": person.email}
    code = provider.grant(response["Location"], provider.id_token(claims), claims)
    response = come_back(client, response["Location"], code)

    assert "Exempelkommun (Entra ID)" in page.text
    assert "new_password1" not in page.text
    assert landed_via_start(response)
    assert signed_in_as(client) == person


def test_invitation_link_sets_no_password_where_the_organisation_enforces_its_own(
    client, service
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    uidb64, token = make_link_parts(person)
    password = "a-long-new-password-9"

    client.post(
        f"/accounts/invitation/{uidb64}/{token}/",
        {"new_password1": password, "new_password2": password},
    )

    person.refresh_from_db()
    assert not person.has_usable_password()
    assert signed_in_as(client) is None


# Refused: a calm page, a security event, nothing created


def test_address_on_a_domain_of_no_organisation_is_refused(client, service, provider):
    people_before = Person.objects.count()

    response = sign_in(
        client, provider, {"sub": "x1", "email": "anna@elsewhere.example.net"}
    )

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert response.status_code == 403
    assert "anna@elsewhere.example.net" in response.text
    assert "Exempelkommun (Entra ID)" in response.text
    assert signed_in_as(client) is None


def test_unknown_person_on_the_organisations_domain_is_refused(
    client, service, provider
):
    invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()

    response = sign_in(client, provider, {"sub": "x2", "email": f"nobody@{DOMAIN}"})

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert f"Nobody with the address nobody@{DOMAIN} has been" in response.text
    event = SecurityEvent.objects.get(kind=Kind.SSO_REFUSED)
    assert event.email == f"nobody@{DOMAIN}"
    assert signed_in_as(client) is None


def test_id_token_for_another_client_is_refused(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()

    response = sign_in(
        client,
        provider,
        {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"},
        aud="another-client",
    )

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert response.status_code == 401
    assert "Audience" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_expired_id_token_is_refused(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()
    an_hour_ago = int(time.time()) - 3600

    response = sign_in(
        client,
        provider,
        {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"},
        iat=an_hour_ago - 300,
        exp=an_hour_ago,
    )

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert "expired" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_replayed_id_token_is_refused(client, service, provider):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    claims = {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"}
    id_token = provider.id_token(claims)
    authorize_url = start(client)
    come_back(client, authorize_url, provider.grant(authorize_url, id_token, claims))
    assert signed_in_as(client) == person
    people_before = Person.objects.count()
    intruder = Client()

    authorize_url = start(intruder)
    code = provider.grant(authorize_url, id_token, claims)
    response = come_back(intruder, authorize_url, code)

    assert "socialaccount/authentication_error.html" in [
        t.name for t in response.templates
    ]
    event = SecurityEvent.objects.get(kind=Kind.SSO_REFUSED)
    assert "already used" in event.detail
    assert Person.objects.count() == people_before
    assert SocialAccount.objects.count() == 1
    assert signed_in_as(intruder) is None


def test_unknown_code_is_refused(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()
    authorize_url = start(client)

    response = come_back(client, authorize_url, "forged-code")

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert "could not be accepted" in response.text
    assert "invalid_grant" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_callback_without_a_sign_in_started_here_is_refused(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    people_before = Person.objects.count()
    authorize_url = start(Client())
    claims = {"sub": "entra-anna", "email": f"anna.andersson@{DOMAIN}"}
    code = provider.grant(authorize_url, provider.id_token(claims), claims)

    response = come_back(client, authorize_url, code)

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert signed_in_as(client) is None


def test_person_who_cancels_at_the_provider_is_not_signed_in(client, service, provider):
    invited(service, f"anna.andersson@{DOMAIN}")
    authorize_url = start(client)
    query = parse_qs(urlparse(authorize_url).query)

    response = client.get(
        urlparse(query["redirect_uri"][0]).path,
        {"error": "access_denied", "state": query["state"][0]},
        follow=True,
    )

    assert response.status_code == 200
    assert "socialaccount/login_cancelled.html" in [t.name for t in response.templates]
    assert "cancelled" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert not SocialAccount.objects.exists()
    assert signed_in_as(client) is None


def test_deactivated_person_matched_by_employee_id_is_refused(
    client, service, provider
):
    person = invited(service, f"anna.andersson@{DOMAIN}")
    EmploymentFactory(
        organisation=service.organisation, person=person, employee_id="E-4711"
    )
    person.is_active = False
    person.save(update_fields=["is_active"])
    people_before = Person.objects.count()

    response = sign_in(
        client,
        provider,
        {"sub": "entra-anna", "email": person.email, "employee_id": "E-4711"},
    )

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert signed_in_as(client) is None


def test_person_of_another_organisation_is_refused(client, service, provider):
    PersonFactory(email=f"lena.lind@{DOMAIN}", confirmed_address=False)
    people_before = Person.objects.count()

    response = sign_in(client, provider, {"sub": "x3", "email": f"lena.lind@{DOMAIN}"})

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert "belongs to another organisation" in response.text


def test_provider_that_cannot_be_reached_gets_the_calm_page(client, service):
    service.oidc_issuer = "http://127.0.0.1:9"  # discard port: nothing listens
    service.save(update_fields=["oidc_issuer"])

    response = client.post("/login/", {"login": f"anna.andersson@{DOMAIN}", "sso": "1"})

    assert "socialaccount/authentication_error.html" in [
        t.name for t in response.templates
    ]
    assert SecurityEvent.objects.filter(kind=Kind.SSO_REFUSED).count() == 1
    assert signed_in_as(client) is None


# Passwords in an organisation that signs its people in itself


def test_password_is_refused_when_the_organisation_enforces_its_own_sign_in(
    client, service
):
    person = PersonFactory(
        email=f"bo.berg@{DOMAIN}",
        organisation=service.organisation,
        password="demo-password-1",
    )

    response = client.post(
        "/login/", {"login": person.email, "password": "demo-password-1"}
    )

    assert response.status_code == 200
    assert "Exempelkommun (Entra ID)" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_REFUSED, person=person
    ).exists()
    assert signed_in_as(client) is None


def test_password_is_accepted_when_the_organisation_allows_it(client, service):
    service.password_allowed = True
    service.save(update_fields=["password_allowed"])
    person = PersonFactory(
        email=f"bo.berg@{DOMAIN}",
        organisation=service.organisation,
        password="demo-password-1",
    )

    response = client.post(
        "/login/", {"login": person.email, "password": "demo-password-1"}
    )

    assert response.status_code == 302
    assert signed_in_as(client) == person


def test_platform_superuser_keeps_the_password_as_break_glass(client, service):
    admin = PersonFactory(
        email=f"it.admin@{DOMAIN}",
        organisation=service.organisation,
        password="demo-password-1",
        is_staff=True,
        is_superuser=True,
    )

    response = client.post(
        "/login/", {"login": admin.email, "password": "demo-password-1"}
    )

    assert response.status_code == 302
    assert signed_in_as(client) == admin
    assert not SecurityEvent.objects.filter(kind=Kind.PASSWORD_REFUSED).exists()


def test_api_token_is_refused_when_the_organisation_enforces_its_own_sign_in(
    client, service
):
    person = PersonFactory(
        email=f"bo.berg@{DOMAIN}",
        organisation=service.organisation,
        password="demo-password-1",
    )

    response = client.post(
        "/api/v1/auth/token/",
        {"email": person.email, "password": "demo-password-1"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Exempelkommun (Entra ID)" in response.text
    assert SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_REFUSED, person=person
    ).exists()
