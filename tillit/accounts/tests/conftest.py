import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """allauth counts sign-in attempts per address (rate limits) and remembers
    used ID tokens in the cache; each test starts with neither. The cache is a
    database table, so only tests with a database have one to clear."""
    if "django_db" not in request.keywords:
        yield
        return
    cache.clear()
    yield
    cache.clear()
