import pytest

from tillit.core.tests.factories import OrganisationFactory, PersonFactory

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


def test_a_finnish_browser_gets_finnish(client, settings):
    settings.LANGUAGE_CODE = "sv"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9,en;q=0.8")

    assert response.headers["Content-Language"] == "fi"


def test_a_finland_swedish_browser_gets_swedish(client, settings):
    settings.LANGUAGE_CODE = "sv"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-FI,fi;q=0.8")

    assert response.headers["Content-Language"] == "sv"


def test_choosing_a_language_keeps_it_on_the_persons_profile(client):
    person = PersonFactory(preferred_language="sv")
    client.force_login(person)

    response = client.post("/i18n/setlang/", {"language": "fi", "next": "/"})

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.preferred_language == "fi"
    assert client.get("/").headers["Content-Language"] == "fi"


def test_an_anonymous_visitors_choice_is_kept_in_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "fi", "next": "/"})

    assert response.cookies["django_language"].value == "fi"


def test_signing_in_keeps_the_zone_of_the_persons_organisation_in_the_session(
    client,
):
    ministry = OrganisationFactory(country="FI", time_zone="Europe/Helsinki")
    client.force_login(PersonFactory(organisation=ministry))

    response = client.get("/")

    assert response.wsgi_request.session["tillit_time_zone"] == "Europe/Helsinki"


def test_an_organiser_reads_times_in_the_zone_of_the_organisation_they_organise_for(
    client,
):
    ministry = OrganisationFactory(country="FI", time_zone="Europe/Helsinki")
    person = PersonFactory(organisation=OrganisationFactory(country="SE"))
    ministry.staff.add(person)
    client.force_login(person)

    response = client.get("/")

    assert response.wsgi_request.session["tillit_time_zone"] == "Europe/Helsinki"
