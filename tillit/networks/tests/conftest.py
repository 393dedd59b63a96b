import pytest


@pytest.fixture(autouse=True)
def _networks_settings(settings, tmp_path):
    """Uploads in a temporary directory and a fixed site address."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "https://tillit.example.org"
