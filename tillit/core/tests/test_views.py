import pytest
from django.test import Client
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the msgids."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password for every person; the slow default hasher
    would make up most of these tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_accessibility_statement_names_the_law_and_the_supervisor(client):
    response = client.get(reverse("core:accessibility"))

    assert response.status_code == 200
    assert "Act on accessibility to digital public services" in response.text
    assert "DIGG" in response.text
    assert "mailto:tillganglighet@example.org" in response.text


def test_cookie_page_lists_the_necessary_cookies(client):
    response = client.get(reverse("core:cookies"))

    assert response.status_code == 200
    for name in ("sessionid", "csrftoken", "django_language"):
        assert f"<code>{name}</code>" in response.text


def test_every_page_links_the_accessibility_statement_in_the_footer(client):
    response = client.get(reverse("registrations:catalogue"))

    assert reverse("core:accessibility") in response.text


def test_pages_are_in_swedish_by_default(settings):
    settings.LANGUAGE_CODE = "sv"

    response = Client().get(reverse("core:cookies"))

    assert '<html lang="sv">' in response.text


def test_login_with_email_leads_to_the_start_page(client):
    person = PersonFactory(email="anna.chef@example.org")

    response = client.post(
        reverse("login"),
        {"login": "anna.chef@example.org", "password": "demo-password-1"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_login_with_a_wrong_password_says_so_on_the_page(client):
    PersonFactory(email="anna.chef@example.org")

    response = client.post(
        reverse("login"), {"login": "anna.chef@example.org", "password": "fel"}
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert '<label for="id_login">' in response.text
