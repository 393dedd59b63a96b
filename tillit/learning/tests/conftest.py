import pytest


@pytest.fixture(autouse=True)
def _learning_settings(settings, tmp_path):
    """Uploads in a temporary directory; background tasks run at once."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    settings.SITE_URL = "https://tillit.example.org"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Check-in attempts are counted in the cache; each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
