"""Test helpers. As a pytest plugin (`-p tillit.notifications.testing`) it runs
enqueued tasks at once, so mailoutbox sees mail after on-commit callbacks run."""

import pytest
from django.conf import settings as _settings

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": _settings.TASK_QUEUES,
    }
}
#: The production set-up: tasks wait in the database for the worker.
DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": _settings.TASK_QUEUES,
    }
}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
