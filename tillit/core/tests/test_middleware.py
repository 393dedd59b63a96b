import pytest

from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_pages_speak_swedish_to_an_english_browser(client, settings):
    settings.LANGUAGE_CODE = "sv"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "sv"


def test_the_chosen_language_wins(client):
    client.cookies["django_language"] = "en"

    response = client.get("/")

    assert response.headers["Content-Language"] == "en"


def test_a_signed_in_person_gets_their_preferred_language(client):
    client.force_login(PersonFactory(preferred_language="en"))

    response = client.get("/")

    assert response.headers["Content-Language"] == "en"


def test_the_api_follows_accept_language(client):
    response = client.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "en"
