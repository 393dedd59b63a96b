import re

import pytest
from django.urls import reverse

from tillit.accounts.models import OrganisationSignIn
from tillit.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_lets_its_form_lead_to_the_organisations_sign_in_services(
    client,
):
    OrganisationSignIn.objects.create(
        organisation=OrganisationFactory(),
        slug="exempel",
        protocol=OrganisationSignIn.Protocol.OIDC,
        label="Exempel (Entra ID)",
        oidc_issuer="https://login.example.net/tenant/v2.0",
        oidc_client_id="tillit",
        oidc_client_secret="not-a-secret",
    )

    policy = client.get(reverse("login"))["Content-Security-Policy"]

    form_action = next(p for p in policy.split(";") if "form-action" in p)
    assert form_action.split() == ["form-action", "'self'", "https://login.example.net"]


def test_other_pages_keep_forms_to_tillit_itself(client):
    policy = client.get(reverse("core:cookies"))["Content-Security-Policy"]

    assert "form-action 'self'" in policy
    assert "login.example.net" not in policy


def test_a_wrong_password_is_told_in_a_summary_tied_to_both_fields(client):
    response = client.post(
        reverse("login"), {"login": "nobody@example.org", "password": "wrong"}
    )

    html = response.content.decode()
    assert 'class="error-summary" role="alert" tabindex="-1" id="login-errors"' in html
    for name in ("login", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group()
        assert 'aria-describedby="login-errors"' in field
        assert 'aria-invalid="true"' in field
