import pytest
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import CalendarFeed

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db
Kind = services.Kind
URL = "/settings/notifications/"


@pytest.fixture
def person(client):
    person = PersonFactory()
    client.force_login(person)
    return person


def test_the_settings_page_needs_a_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_settings_page_shows_a_checkbox_per_reminder_kind(client, person):
    services.turn_off(person, Kind.ASSIGNMENT_DUE)

    response = client.get(URL)

    form = response.context["form"]
    assert response.status_code == 200
    assert form["session_reminder"].initial is True
    assert form["assignment_due"].initial is False
    assert 'aria-describedby="id_session_reminder_helptext"' in response.text
    assert "registration_confirmed" not in form.fields


def test_saving_turns_unchecked_kinds_off_and_says_so(client, person):
    response = client.post(URL, {"session_reminder": "on"}, follow=True)

    assert services.wanted_kinds(person) == [Kind.SESSION_REMINDER]
    assert "Your e-mail choices are saved." in response.text


def test_saving_again_turns_a_kind_back_on(client, person):
    services.set_wanted_kinds(person, [])

    client.post(URL, {"assignment_due": "on", "evaluation_invitation": "on"})

    assert services.wanted_kinds(person) == [
        Kind.ASSIGNMENT_DUE,
        Kind.EVALUATION_INVITATION,
    ]


def test_the_settings_page_shows_the_persons_calendar_address(client, person):
    response = client.get(URL)

    token = CalendarFeed.objects.get(person=person).token
    assert f"http://testserver/calendar/{token}.ics" in response.text
    assert f"webcal://testserver/calendar/{token}.ics" in response.text


def test_renewing_the_calendar_address_retires_the_old_one(client, person):
    old = services.calendar_feed(person).token

    client.post(reverse("notifications:renew-feed"))

    new = CalendarFeed.objects.get(person=person).token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_renewing_needs_a_post(client, person):
    assert client.get(reverse("notifications:renew-feed")).status_code == 405


def test_the_page_lists_only_the_persons_own_mail(client, person):
    NotificationFactory(person=person, subject="Påminnelse: min träff")
    NotificationFactory(subject="Påminnelse: någon annans träff")

    response = client.get(URL)

    assert "min träff" in response.text
    assert "någon annans" not in response.text


def test_an_unsubscribe_link_asks_before_turning_off(client):
    person = PersonFactory()
    url = services.unsubscribe_url(person, Kind.SESSION_REMINDER)

    response = client.get(url)

    assert response.status_code == 200
    assert services.wants(person, Kind.SESSION_REMINDER)
    assert '<form method="post">' in response.text


def test_an_unsubscribe_link_turns_the_kind_off_without_a_login(client):
    person = PersonFactory()
    url = services.unsubscribe_url(person, Kind.EVALUATION_INVITATION)

    response = client.post(url)

    assert response.status_code == 200
    assert not services.wants(person, Kind.EVALUATION_INVITATION)
    assert services.wants(person, Kind.SESSION_REMINDER)


def test_a_tampered_unsubscribe_link_changes_nothing(client):
    person = PersonFactory()
    token = services.unsubscribe_token(person, Kind.SESSION_REMINDER)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    response = client.post(reverse("notifications:unsubscribe", args=[tampered]))

    assert response.status_code == 200
    assert response.context["invalid"]
    assert services.wants(person, Kind.SESSION_REMINDER)


def test_a_link_for_a_transactional_kind_is_refused(client):
    person = PersonFactory()
    token = services.signing.dumps(
        [person.pk, Kind.REGISTRATION_CONFIRMED.value],
        salt=services.UNSUBSCRIBE_SALT,
        compress=True,
    )

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.context["invalid"]
