import pytest
from django.urls import reverse

from tillit.accounts.models import ApiToken
from tillit.accounts.services import create_api_key
from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("api:token")
ME_URL = reverse("api:my-registrations")


def test_token_is_returned_for_email_and_password(api):
    person = PersonFactory(email="anna.lind@example.org")

    response = api.post(
        TOKEN_URL, {"email": "Anna.Lind@example.org", "password": "demo-password-1"}
    )

    assert response.status_code == 200
    key = ApiToken.objects.get(user=person)
    assert response.json()["token"].startswith(key.token_key)
    assert key.expiry is not None


def test_each_sign_in_makes_a_new_key_that_works(api):
    person = PersonFactory()
    credentials = {"email": person.email, "password": "demo-password-1"}

    first = api.post(TOKEN_URL, credentials).json()["token"]
    second = api.post(TOKEN_URL, credentials).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")

    assert first != second
    assert api.get(ME_URL).status_code == 200


def test_wrong_password_gives_400_with_a_message(api):
    person = PersonFactory()

    response = api.post(TOKEN_URL, {"email": person.email, "password": "wrong"})

    assert response.status_code == 400
    assert response.json()["message"] == "The e-mail address or the password is wrong."
    assert not ApiToken.objects.exists()


def test_missing_password_gives_field_error(api):
    response = api.post(TOKEN_URL, {"email": "anna.lind@example.org"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_inactive_person_gets_no_token(api):
    person = PersonFactory(is_active=False)

    response = api.post(
        TOKEN_URL, {"email": person.email, "password": "demo-password-1"}
    )

    assert response.status_code == 400


def test_token_signs_the_person_in(api):
    person = PersonFactory()
    _record, key = create_api_key(person, name="Script", days=30)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(ME_URL)

    assert response.status_code == 200


def test_request_without_credentials_gives_401_with_www_authenticate(api):
    response = api.get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_unknown_token_gives_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_password_guessing_is_throttled(api):
    person = PersonFactory()
    for _ in range(20):
        api.post(TOKEN_URL, {"email": person.email, "password": "wrong"})

    response = api.post(TOKEN_URL, {"email": person.email, "password": "wrong"})

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response
