import pytest

from tillit.notifications.testing import IMMEDIATE_TASKS


@pytest.fixture
def app_settings(settings, tmp_path):
    """What the apps' own test folders set for their demo tests: uploads in a
    temporary directory, a fixed site address, background tasks at once."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "https://tillit.example.org"
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def empty_cache(request):
    """Counters in the (database) cache start afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_content_language():
    """The demo is read and written in the default content language's columns,
    as `manage.py loaddemo` does (names of reference organisations are found
    by their Swedish names)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        yield
