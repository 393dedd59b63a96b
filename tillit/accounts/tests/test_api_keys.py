from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tillit.accounts import services
from tillit.accounts.models import ApiToken
from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ME_URL = reverse("api:my-registrations")


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_person_makes_a_named_key_shown_once_and_it_works(client):
    person = PersonFactory()
    client.force_login(person)

    response = client.post(
        reverse("accounts:api-keys"), {"name": "HR-skript", "days": 30}
    )

    key = response.context["new_key"]
    record = ApiToken.objects.get(user=person)
    assert record.name == "HR-skript"
    assert key in response.text
    assert key not in record.digest  # only a hash is stored
    assert timedelta(days=29) < record.expiry - timezone.now() <= timedelta(days=30)
    assert _api(key).get(ME_URL).status_code == 200
    assert client.get(reverse("accounts:api-keys")).text.count(key) == 0


def test_an_expired_key_is_refused():
    person = PersonFactory()
    record, key = services.create_api_key(person, name="Gammal", days=30)
    ApiToken.objects.filter(pk=record.pk).update(expiry=timezone.now() - timedelta(1))

    assert _api(key).get(ME_URL).status_code == 401


def test_revoking_asks_first_then_the_key_stops_working(client):
    person = PersonFactory()
    record, key = services.create_api_key(person, name="Skript", days=30)
    client.force_login(person)
    url = reverse("accounts:api-key-revoke", kwargs={"digest": record.digest})

    asked = client.post(url)
    still = _api(key).get(ME_URL).status_code
    client.post(url, {"confirm": "yes"})

    assert "Skript" in asked.text
    assert still == 200
    assert _api(key).get(ME_URL).status_code == 401


def test_nobody_can_revoke_or_see_someone_elses_key(client):
    owner = PersonFactory()
    record, key = services.create_api_key(owner, name="Ägarens", days=30)
    client.force_login(PersonFactory())
    url = reverse("accounts:api-key-revoke", kwargs={"digest": record.digest})

    listing = client.get(reverse("accounts:api-keys"))
    response = client.post(url, {"confirm": "yes"})

    assert "Ägarens" not in listing.text
    assert response.status_code == 404
    assert _api(key).get(ME_URL).status_code == 200


def test_last_use_is_recorded_at_most_once_an_hour(django_assert_num_queries):
    person = PersonFactory()
    record, key = services.create_api_key(person, name="Skript", days=30)
    _api(key).get(ME_URL)
    first = ApiToken.objects.get(pk=record.pk).last_used_at

    _api(key).get(ME_URL)

    assert first is not None
    assert ApiToken.objects.get(pk=record.pk).last_used_at == first


def test_a_person_may_hold_at_most_twenty_live_keys():
    person = PersonFactory()
    for n in range(services.MAX_API_KEYS):
        services.create_api_key(person, name=f"Nyckel {n}", days=30)

    with pytest.raises(services.ApiKeyError):
        services.create_api_key(person, name="En till", days=30)
