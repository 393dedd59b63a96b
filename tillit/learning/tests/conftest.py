import pytest


@pytest.fixture(autouse=True)
def _learning_settings(settings, tmp_path):
    """Uploads in a temporary directory; background tasks run at once."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [],
        }
    }
    settings.SITE_URL = "https://tillit.example.org"


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Check-in attempts are counted in the (database) cache; each test with a
    database starts afresh."""
    from django.core.cache import cache

    if "django_db" not in request.keywords:
        yield
        return
    cache.clear()
    yield
    cache.clear()
