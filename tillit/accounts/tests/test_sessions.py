import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tillit.accounts.middleware import LAST_SEEN
from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-1"


def _attempt(client, email, password, **extra):
    return client.post(
        reverse("login"), {"login": email, "password": password}, **extra
    )


def test_an_account_is_locked_after_five_failures_with_a_clear_message(settings):
    settings.AXES_ENABLED = True
    person = PersonFactory()
    client = Client()

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, person.email, "fel")
    locked = _attempt(client, person.email, PASSWORD)

    assert locked.status_code == 429
    assert "15" in locked.text and "minutes" in locked.text
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT).exists()
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.SIGN_IN_FAILED, email=person.email
        ).count()
        >= settings.AXES_FAILURE_LIMIT
    )


def test_the_lock_holds_from_another_address_and_another_client(settings):
    settings.AXES_ENABLED = True
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(Client(REMOTE_ADDR="10.0.0.1"), person.email, "fel")

    locked = _attempt(Client(REMOTE_ADDR="10.0.0.2"), person.email, PASSWORD)

    assert locked.status_code == 429


def test_the_api_token_endpoint_counts_failures_and_locks_with_json(settings):
    settings.AXES_ENABLED = True
    person = PersonFactory()
    client = Client()
    url = reverse("api:token")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"email": person.email, "password": "fel"})
    locked = client.post(url, {"email": person.email, "password": PASSWORD})

    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


def test_a_session_ends_after_the_idle_time(client, settings):
    person = PersonFactory()
    client.force_login(person)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_active_session_goes_on(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200


def test_platform_staff_must_set_up_two_factors_first(client, settings):
    settings.TILLIT_STAFF_MFA_REQUIRED = True
    staff = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    blocked = client.get(reverse("admin:index"))
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={})
    allowed = client.get(reverse("admin:index"))

    assert blocked.status_code == 302
    assert blocked["Location"] == reverse("mfa_activate_totp")
    assert allowed.status_code == 200


def test_a_participant_is_not_asked_for_two_factors(client, settings):
    settings.TILLIT_STAFF_MFA_REQUIRED = True
    client.force_login(PersonFactory())

    assert client.get(reverse("portal:home")).status_code == 200
