"""Project-wide test set-up: clear reasons for parts a laptop may lack, and in CI
(CI=true) a run that skips anything fails."""

import os
import shutil

import pytest

from tillit.notifications.testing import IMMEDIATE_TASKS

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.keywords and not shutil.which(CHROMIUM):
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
                )
            )
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: run with DATABASE_URL=postgres://..."
                )
            )


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast hashing for factory people, plain HTTP, static files without a
    manifest, background tasks run at once (so mailoutbox sees mail after
    on-commit callbacks), and English as the default language, so tests read like
    the code (tests of the Swedish default set LANGUAGE_CODE themselves)."""
    settings.LANGUAGE_CODE = "en"
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # Tests that need them turn these on: the lockout counter (the test
    # client's login() passes no request) and two factors for platform staff.
    settings.AXES_ENABLED = False
    settings.TILLIT_STAFF_MFA_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\nCI=true and {len(_skipped)} test(s) were skipped; nothing may be:")
        for nodeid in _skipped:
            print(f"  {nodeid}")
