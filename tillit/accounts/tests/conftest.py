import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth counts sign-in attempts per address (rate limits) and remembers
    used ID tokens in the cache; each test starts with neither."""
    cache.clear()
    yield
    cache.clear()
