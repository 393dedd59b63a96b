"""The API throttle counts per client address that a client cannot forge, in a
cache every process shares (issue 16: a new X-Forwarded-For on every request
reset the count, and each process kept its own)."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from tillit.api.views import TokenThrottle
from tillit.core.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = reverse("api:token")


def test_a_new_x_forwarded_for_on_every_request_does_not_reset_the_count(api):
    person = PersonFactory()
    for number in range(20):
        api.post(
            TOKEN_URL,
            {"email": person.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )

    response = api.post(
        TOKEN_URL,
        {"email": person.email, "password": "wrong"},
        HTTP_X_FORWARDED_FOR="198.51.100.250",
    )

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def _ident():
    request = APIRequestFactory().post(
        TOKEN_URL, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    return TokenThrottle().get_ident(request)


def test_without_trusted_proxies_the_client_is_the_connecting_address():
    assert _ident() == "10.0.0.5"


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended():
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest):
        assert _ident() == "203.0.113.7"


def test_throttle_counts_live_in_a_cache_every_process_shares():
    backend = settings.CACHES["default"]["BACKEND"]

    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
