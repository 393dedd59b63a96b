import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _plain_http_allowed(settings):
    """Production settings redirect HTTP to HTTPS; the test client speaks HTTP."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(request):
    """Throttle counts live in the shared (database) cache: clear it around
    every test that has a database; the others cannot be throttled."""
    if "django_db" not in request.keywords:
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")
