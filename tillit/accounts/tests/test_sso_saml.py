"""Single sign-on through an organisation's SAML 2.0 identity provider, end to end.

The identity provider is simulated in the test (tillit.accounts.testing): it
has a key and a self-signed certificate made here, reads the AuthnRequest from
Tillit's redirect (HTTP Redirect binding: base64 of raw DEFLATE) and answers
with a Response whose Assertion it signs (RSA-SHA256), posted to Tillit's
assertion consumer service as the browser would.
"""

import base64
import datetime as dt
from urllib.parse import parse_qs, parse_qsl, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from lxml import etree, html

from tillit.accounts import services, testing
from tillit.accounts.models import EmailDomain, Invitation, OrganisationSignIn
from tillit.core.models import Person, SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.rollouts.tests.factories import EmploymentFactory

DOMAIN = "exempelkommun.example.org"
SLUG = "exempelkommun"
IDP_ENTITY_ID = "https://idp.exempelkommun.example.org/saml"
IDP_SSO_URL = "https://idp.exempelkommun.example.org/saml/sso"
# What allauth builds from the request (build_sp_config): the ACS address and,
# with no SP entity id configured, the metadata address as entity id.
HOST = "tillit.example.org"
ACS_URL = f"http://{HOST}/accounts/saml/{SLUG}/acs/"
SP_ENTITY_ID = f"http://{HOST}/accounts/saml/{SLUG}/metadata/"
EMAIL_ATTRIBUTE = testing.SAML_EMAIL_ATTRIBUTE
Kind = SecurityEvent.Kind
# python3-saml 1.16 calls datetime.utcnow() and utcfromtimestamp(), deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:datetime.datetime.utc")


def browser():
    """A test client that sends a Host header, as every browser does (allauth's
    SAML views read HTTP_HOST, which Django's test client leaves out), with a
    dotted name (python3-saml refuses single-label hosts such as testserver)."""
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def client(settings):
    settings.ALLOWED_HOSTS = [HOST]
    return browser()


@pytest.fixture(scope="module")
def idp():
    return testing.Signer("idp.exempelkommun.example.org")


@pytest.fixture(scope="module")
def forger():
    return testing.Signer("idp.exempelkommun.example.org")


@pytest.fixture
def service(db, idp):
    organisation = OrganisationFactory(name="Exempelkommun")
    EmailDomain.objects.create(organisation=organisation, domain=DOMAIN)
    return OrganisationSignIn.objects.create(
        organisation=organisation,
        slug=SLUG,
        protocol=OrganisationSignIn.Protocol.SAML,
        label="Exempelkommun (SAML)",
        saml_entity_id=IDP_ENTITY_ID,
        saml_sso_url=IDP_SSO_URL,
        saml_certificate=idp.cert_pem,
        email_attribute=EMAIL_ATTRIBUTE,
    )


@pytest.fixture
def anna(service):
    """A person HR added: no password of their own, an invitation sent."""
    person = PersonFactory(
        email=f"anna.andersson@{DOMAIN}",
        organisation=service.organisation,
        confirmed_address=False,
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    services.invite(person)
    return person


def saml_response(
    signer,
    email,
    *,
    in_response_to="",
    audience=SP_ENTITY_ID,
    valid_for=dt.timedelta(minutes=5),
    sign=True,
    attributes=None,
):
    """The identity provider's answer: a Response with one Assertion, the
    assertion signed (the Response itself is not, as with many providers)."""
    return testing.saml_response(
        signer,
        email,
        issuer=IDP_ENTITY_ID,
        acs_url=ACS_URL,
        audience=audience,
        in_response_to=in_response_to,
        valid_for=valid_for,
        sign=sign,
        attributes=attributes,
        email_attribute=EMAIL_ATTRIBUTE,
    )


def start(client, email=f"anna.andersson@{DOMAIN}"):
    """Discovery on the login page; the AuthnRequest Tillit sent the browser
    to the identity provider with."""
    response = client.post("/login/", {"login": email, "sso": "1"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{IDP_SSO_URL}?")
    encoded = parse_qs(urlparse(location).query)["SAMLRequest"][0]
    return testing.authn_request(encoded)


def post(client, saml_response_b64):
    """The browser posts the identity provider's answer to Tillit."""
    return client.post(
        f"/accounts/saml/{SLUG}/acs/", {"SAMLResponse": saml_response_b64}, follow=True
    )


def sign_in(client, signer, email, **options):
    request_id = start(client).get("ID")
    answer = saml_response(signer, email, in_response_to=request_id, **options)
    return post(client, answer), answer


def signed_in_as(client):
    user = client.get("/start/").wsgi_request.user
    return user if user.is_authenticated else None


def templates(response):
    return [t.name for t in response.templates]


def assert_refused(response, template, people_before, accounts_before=0):
    assert template in templates(response)
    assert response.status_code in (401, 403)
    assert SecurityEvent.objects.filter(kind=Kind.SSO_REFUSED).count() == 1
    assert Person.objects.count() == people_before
    assert SocialAccount.objects.count() == accounts_before


# Signing in


def test_discovery_sends_an_authn_request_to_the_identity_provider(client, service):
    request = start(client)

    assert request.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest"
    assert request.get("Destination") == IDP_SSO_URL
    assert request.get("AssertionConsumerServiceURL") == ACS_URL
    issuer = request.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    assert issuer.text == SP_ENTITY_ID


def test_invited_person_signs_in_with_a_signed_assertion(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(client, idp, f"Anna.Andersson@{DOMAIN}")

    assert "/start/" in [url for url, _status in response.redirect_chain]
    assert response.status_code == 200
    assert signed_in_as(client) == anna
    assert Person.objects.count() == people_before
    account = SocialAccount.objects.get()
    assert (account.user, account.provider) == (anna, f"saml-{SLUG}")
    assert Invitation.objects.get(person=anna).accepted_at is not None
    assert not SecurityEvent.objects.filter(kind=Kind.SSO_REFUSED).exists()


def test_invited_person_signs_in_through_the_identity_providers_page(
    client, idp, service, anna
):
    # The simulated provider's browser entry, without its server: its
    # sso_url is the service's, its answer the page that posts to Tillit.
    simulated = testing.SamlIdentityProvider(
        url=IDP_SSO_URL.removesuffix("/saml/sso"), signer=idp
    )
    service.saml_entity_id = simulated.entity_id
    service.save(update_fields=["saml_entity_id"])
    simulated.sign_in_next(anna.email)
    response = client.post("/login/", {"login": anna.email, "sso": "1"})
    query = dict(parse_qsl(urlparse(response["Location"]).query))

    status, page = simulated.answer(query)
    form = html.fromstring(page).forms[0]
    response = client.post(urlparse(form.action).path, dict(form.fields), follow=True)

    assert (status, form.action) == (200, ACS_URL)
    assert simulated.refusals == []
    assert "/start/" in [url for url, _status in response.redirect_chain]
    assert signed_in_as(client) == anna


def test_person_is_matched_by_employee_id_attribute(client, idp, service, anna):
    service.employee_id_attribute = "urn:oid:2.16.840.1.113730.3.1.3"
    service.save(update_fields=["employee_id_attribute"])
    EmploymentFactory(
        organisation=service.organisation, person=anna, employee_id="E-4711"
    )

    response, _answer = sign_in(
        client,
        idp,
        "a.andersson@old-name.example.net",
        attributes={"urn:oid:2.16.840.1.113730.3.1.3": "E-4711"},
    )

    assert "/start/" in [url for url, _status in response.redirect_chain]
    assert signed_in_as(client) == anna


def test_metadata_tells_the_identity_provider_where_to_answer(client, service):
    response = client.get(f"/accounts/saml/{SLUG}/metadata/")

    metadata = etree.fromstring(response.content)
    assert response.status_code == 200
    assert metadata.get("entityID") == SP_ENTITY_ID
    acs = metadata.find(
        ".//{urn:oasis:names:tc:SAML:2.0:metadata}AssertionConsumerService"
    )
    assert acs.get("Location") == ACS_URL


# Refused: a calm page, a security event, nothing created


def test_assertion_signed_with_another_key_is_refused(client, forger, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(client, forger, anna.email)

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert "could not be accepted" in response.text
    assert "Signature" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_assertion_changed_after_signing_is_refused(client, idp, anna):
    PersonFactory(email=f"bo.berg@{DOMAIN}", organisation=anna.organisation)
    people_before = Person.objects.count()
    request_id = start(client).get("ID")
    signed = base64.b64decode(saml_response(idp, anna.email, in_response_to=request_id))
    tampered = signed.replace(anna.email.encode(), f"bo.berg@{DOMAIN}".encode())

    response = post(client, base64.b64encode(tampered).decode())

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert signed_in_as(client) is None


def test_unsigned_assertion_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(client, idp, anna.email, sign=False)

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert signed_in_as(client) is None


def test_replayed_response_is_refused_in_another_browser(client, idp, anna):
    _response, answer = sign_in(client, idp, anna.email)
    assert signed_in_as(client) == anna
    people_before = Person.objects.count()
    intruder = browser()

    response = post(intruder, answer)

    assert_refused(
        response, "socialaccount/authentication_error.html", people_before, 1
    )
    assert "replayed" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(intruder) is None


def test_replayed_response_is_refused_in_the_same_browser(client, idp, anna):
    _response, answer = sign_in(client, idp, anna.email)
    client.logout()
    people_before = Person.objects.count()

    response = post(client, answer)

    assert_refused(
        response, "socialaccount/authentication_error.html", people_before, 1
    )
    assert signed_in_as(client) is None


def test_assertion_for_another_service_provider_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(
        client, idp, anna.email, audience="https://other.example.org/saml/metadata"
    )

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert "audience" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_expired_assertion_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(
        client, idp, anna.email, valid_for=-dt.timedelta(hours=1)
    )

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert "expired" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    assert signed_in_as(client) is None


def test_address_on_a_domain_of_no_organisation_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(client, idp, "anna@elsewhere.example.net")

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert response.status_code == 403
    assert "anna@elsewhere.example.net" in response.text
    assert signed_in_as(client) is None


def test_unknown_person_on_the_organisations_domain_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response, _answer = sign_in(client, idp, f"nobody@{DOMAIN}")

    assert_refused(response, "accounts/sso_refused.html", people_before)
    assert f"Nobody with the address nobody@{DOMAIN} has been" in response.text
    assert signed_in_as(client) is None


def test_identity_provider_initiated_sign_in_is_refused(client, idp, anna):
    people_before = Person.objects.count()

    response = post(client, saml_response(idp, anna.email))

    assert_refused(response, "socialaccount/authentication_error.html", people_before)
    assert signed_in_as(client) is None


def test_set_up_that_python3_saml_rejects_gets_the_calm_page(client, service):
    service.saml_sso_url = "https://intranet/saml/sso"  # a single-label host
    service.save(update_fields=["saml_sso_url"])

    response = client.post("/login/", {"login": f"anna.andersson@{DOMAIN}", "sso": "1"})

    assert "socialaccount/authentication_error.html" in templates(response)
    assert (
        "idp_sso_url_invalid" in SecurityEvent.objects.get(kind=Kind.SSO_REFUSED).detail
    )
