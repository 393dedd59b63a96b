"""Simulated identity providers for tests, used by the unit tests of single
sign-on and by the browser tests.

Both run in the test process on 127.0.0.1, each behind a small threaded
http.server (`running_openid_provider()`, `running_saml_idp()`):

- `OpenIDProvider`: discovery document, authorize, token, userinfo and JWKS
  endpoints; ID tokens are RS256 JWTs signed with a key made here. Its
  /authorize signs in the identity the test chose in advance (`sign_in_next`),
  after checking the client id, the registered redirect URI and the PKCE
  challenge, and sends the browser back with a code and the state.
- `SamlIdentityProvider`: its single sign-on address takes an AuthnRequest by
  the HTTP-Redirect binding and answers, for the identity chosen in advance,
  with a page that posts a signed Response to the assertion consumer service.

Nothing here is used outside tests.
"""

import base64
import datetime as dt
import hashlib
import html
import json
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as Saml
from onelogin.saml2.utils import OneLogin_Saml2_Utils

CLIENT_ID = "tillit-client"
CLIENT_SECRET = "s3cret-of-the-client"
SAML_EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# OpenID Connect


@dataclass
class Grant:
    """What the provider hands out for one authorization code."""

    id_token: str
    userinfo: dict
    code_challenge: str


@dataclass
class OpenIDProvider:
    url: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(
            public_exponent=65537, key_size=2048
        )
    )
    kid: str = "test-key-1"
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    grants: dict = field(default_factory=dict)
    userinfo: dict = field(default_factory=dict)
    # For the browser's visit to /authorize: where it may send people back
    # to, who signs in there next, and why it refused a request.
    redirect_uris: set = field(default_factory=set)
    next_identity: tuple | None = None
    refusals: list = field(default_factory=list)

    def reset(self) -> None:
        self.grants.clear()
        self.userinfo.clear()
        self.redirect_uris.clear()
        self.next_identity = None
        self.refusals.clear()

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, claims: dict, **overrides) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            **claims,
            **overrides,
        }
        return jwt.encode(
            payload, self.key, algorithm="RS256", headers={"kid": self.kid}
        )

    def grant(self, authorize_url: str, id_token: str, userinfo: dict) -> str:
        """A code for the sign-in that `authorize_url` (Tillit's redirect) asked for."""
        query = parse_qs(urlparse(authorize_url).query)
        code = uuid.uuid4().hex
        self.grants[code] = Grant(id_token, userinfo, query["code_challenge"][0])
        return code

    def sign_in_next(
        self, claims: dict, userinfo: dict | None = None, **token_overrides
    ) -> None:
        """The person who signs in at the next visit to /authorize."""
        self.next_identity = (claims, userinfo or claims, token_overrides)

    def authorize(self, query: dict) -> tuple[int, dict]:
        """The browser's visit: (302, {"Location": ...}) back to the client with a
        code and the state, or (400, {"error": ...}) for a request a provider
        would not accept (then it sends the browser nowhere)."""
        redirect_uri = query.get("redirect_uri", "")
        problems = [
            problem
            for problem, bad in [
                ("unknown client_id", query.get("client_id") != self.client_id),
                ("unregistered redirect_uri", redirect_uri not in self.redirect_uris),
                ("response_type is not code", query.get("response_type") != "code"),
                ("no openid scope", "openid" not in query.get("scope", "").split()),
                ("no PKCE challenge", not query.get("code_challenge")),
                ("PKCE is not S256", query.get("code_challenge_method") != "S256"),
                ("no state", not query.get("state")),
            ]
            if bad
        ]
        if problems:
            self.refusals.extend(problems)
            return 400, {"error": "invalid_request", "detail": ", ".join(problems)}
        if self.next_identity is None:  # nobody signs in: as if they cancelled
            answer = {"error": "access_denied", "state": query["state"]}
        else:
            claims, userinfo, overrides = self.next_identity
            self.next_identity = None
            code = uuid.uuid4().hex
            self.grants[code] = Grant(
                self.id_token(claims, **overrides), userinfo, query["code_challenge"]
            )
            answer = {"code": code, "state": query["state"]}
        return 302, {"Location": f"{redirect_uri}?{urlencode(answer)}"}

    def exchange(self, form: dict) -> tuple[int, dict]:
        """The token endpoint: a code once, for this client, with its verifier."""
        grant = self.grants.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("grant_type") != "authorization_code"
            or _pkce_challenge(form.get("code_verifier", "")) != grant.code_challenge
        ):
            return 400, {"error": "invalid_grant"}
        access_token = uuid.uuid4().hex
        self.userinfo[access_token] = grant.userinfo
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": grant.id_token,
        }


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes, content_type: str, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply(self, status: int, body: dict) -> None:
        self.send(status, json.dumps(body).encode(), "application/json")

    def query(self) -> dict:
        parsed = parse_qs(urlparse(self.path).query)
        return {key: values[0] for key, values in parsed.items()}


class OpenIDHandler(_Handler):
    def do_GET(self):
        provider = self.server.provider
        path = urlparse(self.path).path
        if path == "/.well-known/openid-configuration":
            return self.reply(200, provider.discovery())
        if path == "/jwks":
            return self.reply(200, provider.jwks())
        if path == "/authorize":
            status, answer = provider.authorize(self.query())
            if status == 302:
                return self.send(302, b"", "text/plain", answer.items())
            return self.reply(status, answer)
        if path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = provider.userinfo.get(token)
            if claims is None:
                return self.reply(401, {"error": "invalid_token"})
            return self.reply(200, claims)
        return self.reply(404, {"error": "not_found"})

    def do_POST(self):
        if urlparse(self.path).path != "/token":
            return self.reply(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length", 0))
        form = {
            key: values[0]
            for key, values in parse_qs(self.rfile.read(length).decode()).items()
        }
        self.reply(*self.server.provider.exchange(form))


@contextmanager
def _serving(handler, make_provider) -> Iterator:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.provider = make_provider(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.provider
    finally:
        server.shutdown()
        server.server_close()


def running_openid_provider() -> Iterator[OpenIDProvider]:
    """An OpenID Connect provider listening on 127.0.0.1 (a context manager).
    Tillit reaches it with requests: keep 127.0.0.1 in NO_PROXY."""
    return _serving(OpenIDHandler, lambda url: OpenIDProvider(url=url))


# SAML 2.0


class Signer:
    """A key and a self-signed certificate, as an identity provider has."""

    def __init__(self, name):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        self.key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.cert_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, assertion: str) -> str:
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            self.key_pem,
            self.cert_pem,
            sign_algorithm=Saml.RSA_SHA256,
            digest_algorithm=Saml.SHA256,
        )
        return signed.decode() if isinstance(signed, bytes) else signed


def instant(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def saml_response(
    signer: Signer,
    email: str,
    *,
    issuer: str,
    acs_url: str,
    audience: str,
    in_response_to: str = "",
    valid_for: dt.timedelta = dt.timedelta(minutes=5),
    sign: bool = True,
    attributes: dict | None = None,
    email_attribute: str = SAML_EMAIL_ATTRIBUTE,
) -> str:
    """An identity provider's answer (base64): a Response with one Assertion,
    the assertion signed (the Response itself is not, as with many providers)."""
    xml = html.escape  # attribute values and text both
    irt = f' InResponseTo="{xml(in_response_to)}"' if in_response_to else ""
    statements = "".join(
        f'<saml:Attribute Name="{xml(name)}" '
        'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
        f'<saml:AttributeValue xsi:type="xs:string">{xml(value)}</saml:AttributeValue>'
        "</saml:Attribute>"
        for name, value in {email_attribute: email, **(attributes or {})}.items()
    )
    until = instant(valid_for)
    assertion = f"""<saml:Assertion xmlns:saml="{SAML}" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{instant()}">
<saml:Issuer>{xml(issuer)}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">\
{uuid.uuid5(uuid.NAMESPACE_URL, email)}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{xml(acs_url)}"{irt}/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{instant(-dt.timedelta(minutes=1))}" \
NotOnOrAfter="{until}">
<saml:AudienceRestriction><saml:Audience>{xml(audience)}</saml:Audience>\
</saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{instant()}" SessionIndex="_s{uuid.uuid4().hex}">
<saml:AuthnContext><saml:AuthnContextClassRef>\
urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport\
</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>{statements}</saml:AttributeStatement>
</saml:Assertion>"""
    if sign:
        assertion = signer.sign(assertion)
    assertion = (
        assertion.split("?>", 1)[-1] if assertion.startswith("<?") else assertion
    )
    response = f"""<samlp:Response xmlns:samlp="{SAMLP}" \
xmlns:saml="{SAML}" ID="_r{uuid.uuid4().hex}" \
Version="2.0" IssueInstant="{instant()}" Destination="{xml(acs_url)}"{irt}>
<saml:Issuer>{xml(issuer)}</saml:Issuer>
<samlp:Status><samlp:StatusCode \
Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{assertion}
</samlp:Response>"""
    return base64.b64encode(response.encode()).decode()


def authn_request(encoded: str):
    """The AuthnRequest of the HTTP-Redirect binding (base64 of raw DEFLATE)."""
    return etree.fromstring(zlib.decompress(base64.b64decode(encoded), -15))


@dataclass
class SamlIdentityProvider:
    """An identity provider with a browser entry at `sso_url`. Its entity id
    and address are under `url`; the test configures Tillit with them and
    `signer.cert_pem`."""

    url: str = ""
    signer: Signer = field(default_factory=lambda: Signer("idp.127.0.0.1"))
    email_attribute: str = SAML_EMAIL_ATTRIBUTE
    next_identity: tuple | None = None
    requests: list = field(default_factory=list)
    refusals: list = field(default_factory=list)

    @property
    def entity_id(self) -> str:
        return f"{self.url}/saml/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.url}/saml/sso"

    def reset(self) -> None:
        self.next_identity = None
        self.requests.clear()
        self.refusals.clear()

    def sign_in_next(self, email: str, attributes: dict | None = None) -> None:
        """The person who signs in at the next AuthnRequest."""
        self.next_identity = (email, attributes or {})

    def answer(self, query: dict) -> tuple[int, str]:
        """The browser's visit with an AuthnRequest: a page that posts the
        signed Response (and the RelayState) to the request's assertion
        consumer service, or (400, reason)."""
        try:
            request = authn_request(query["SAMLRequest"])
        except (KeyError, ValueError, zlib.error, etree.XMLSyntaxError) as error:
            self.refusals.append(f"unreadable AuthnRequest: {error!r}")
            return 400, "unreadable AuthnRequest"
        self.requests.append(request)
        issuer = request.findtext(f"{{{SAML}}}Issuer") or ""
        acs_url = request.get("AssertionConsumerServiceURL") or ""
        destination = request.get("Destination")
        problems = [
            problem
            for problem, bad in [
                ("not an AuthnRequest", request.tag != f"{{{SAMLP}}}AuthnRequest"),
                ("Destination is not this IdP", destination != self.sso_url),
                ("no request ID", not request.get("ID")),
                ("no Issuer", not issuer),
                ("no AssertionConsumerServiceURL", not acs_url),
                ("nobody to sign in", self.next_identity is None),
            ]
            if bad
        ]
        if problems:
            self.refusals.extend(problems)
            return 400, ", ".join(problems)
        email, attributes = self.next_identity
        self.next_identity = None
        response = saml_response(
            self.signer,
            email,
            issuer=self.entity_id,
            acs_url=acs_url,
            audience=issuer,
            in_response_to=request.get("ID"),
            attributes=attributes,
            email_attribute=self.email_attribute,
        )
        fields = {"SAMLResponse": response}
        if query.get("RelayState"):
            fields["RelayState"] = query["RelayState"]
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in fields.items()
        )
        return 200, (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Signing you in</title></head><body>"
            f'<form method="post" action="{html.escape(acs_url)}">{inputs}'
            '<noscript><button type="submit">Continue</button></noscript></form>'
            "<script>document.forms[0].submit()</script></body></html>"
        )


class SamlHandler(_Handler):
    def do_GET(self):
        idp = self.server.provider
        if urlparse(self.path).path != urlparse(idp.sso_url).path:
            return self.send(404, b"not found", "text/plain")
        status, page = idp.answer(self.query())
        content_type = "text/html; charset=utf-8" if status == 200 else "text/plain"
        self.send(status, page.encode(), content_type)


def running_saml_idp(signer: Signer | None = None) -> Iterator[SamlIdentityProvider]:
    """A SAML identity provider listening on 127.0.0.1 (a context manager)."""

    chosen = {"signer": signer} if signer is not None else {}
    return _serving(SamlHandler, lambda url: SamlIdentityProvider(url=url, **chosen))
