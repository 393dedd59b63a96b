"""Hardening headers (issue 16): Django's Content-Security-Policy with a nonce,
Permissions-Policy on every response, no-store for signed-in people and
downloads, no Server banner, and a cap on the request size before upload
handling."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False


@pytest.mark.parametrize(
    "url",
    ["/", "/login/", "/accessibility/", "/api/v1/docs/", "/api/v1/programmes/"],
)
def test_every_response_carries_csp_and_permissions_policy_and_no_server(client, url):
    response = client.get(url, follow=True)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # The nonce appears when the page used it (the API docs' inline script).
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", csp)
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "Server" not in response


def test_static_files_carry_permissions_policy_too(client):
    response = client.get("/static/core/focus.js")

    assert "camera=()" in response["Permissions-Policy"]


def test_inline_script_and_style_of_the_api_docs_carry_the_nonce(client):
    response = client.get("/api/v1/docs/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html


def test_pages_for_a_signed_in_person_are_not_stored(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("programmes:my-programmes"))

    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_cached(client):
    response = client.get("/accessibility/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_api_answers_to_a_token_are_not_stored(client):
    response = client.get("/api/v1/me/registrations/", HTTP_AUTHORIZATION="Token x")

    assert "no-store" in response["Cache-Control"]


def test_downloads_are_never_stored(rf):
    from django.http import HttpResponse

    from tillit.core.headers import SecurityHeadersMiddleware

    def export(request):
        answer = HttpResponse(b"data")
        answer["Content-Disposition"] = 'attachment; filename="people.xlsx"'
        return answer

    response = SecurityHeadersMiddleware(export)(rf.get("/export"))

    assert "no-store" in response["Cache-Control"]


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    body = b"x" * 2000

    page = client.post("/login/", body, content_type="application/octet-stream")
    api = client.post(
        "/api/v1/auth/token/", body, content_type="application/octet-stream"
    )

    assert page.status_code == 413
    assert api.status_code == 413
    assert api.json()["code"] == "too_large"
    assert "camera=()" in page["Permissions-Policy"]


def test_a_form_over_the_cap_gets_a_page_in_the_visitors_language_with_a_way_back(
    client, settings
):
    settings.REQUEST_MAX_BYTES = 1000
    body = b"x" * 2000
    form = "http://testserver/learning/assignments/1/"

    page = client.post(
        "/learning/assignments/1/",
        body,
        content_type="application/octet-stream",
        HTTP_ACCEPT_LANGUAGE="fi",
        HTTP_REFERER=form,
    )
    api = client.post(
        "/api/v1/auth/token/",
        body,
        content_type="application/octet-stream",
        HTTP_ACCEPT_LANGUAGE="fi",
    )

    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert '<html lang="fi">' in html
    assert "Tiedostot olivat liian suuria" in html
    assert f'href="{form}"' in html
    assert "Pyyntö on liian suuri" in api.json()["message"]


def test_the_way_back_from_a_refused_form_never_leads_to_another_site(client, settings):
    settings.REQUEST_MAX_BYTES = 1000

    page = client.post(
        "/learning/assignments/1/",
        b"x" * 2000,
        content_type="application/octet-stream",
        HTTP_REFERER="https://evil.example/phish",
    )

    assert "evil.example" not in page.content.decode()
    assert 'href="/learning/assignments/1/"' in page.content.decode()


#: Templates of files that are downloaded and opened from disk, never served
#: as a page, so no Content-Security-Policy (and no nonce) applies to them.
NOT_SERVED = {
    "privacy/export.html": "the readable copy inside the My data zip",
}


def test_no_template_has_inline_handlers_or_scripts_without_a_nonce():
    templates = list((ROOT / "tillit").glob("*/templates/**/*.html"))
    offences = []
    for template in templates:
        if template.as_posix().split("/templates/", 1)[1] in NOT_SERVED:
            continue
        html = template.read_text()
        if re.search(r"\shx-on[:-]|\son[a-z]+=\"", html):
            offences.append(f"{template}: inline handler")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            if "src=" not in tag and "nonce=" not in tag:
                offences.append(f"{template}: {tag}")

    assert len(templates) > 50
    assert offences == []
