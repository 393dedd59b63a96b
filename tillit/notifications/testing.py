"""Test helpers. As a pytest plugin (`-p tillit.notifications.testing`) it runs
enqueued tasks at once, so mailoutbox sees mail after on-commit callbacks run."""

import pytest

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
