import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Enqueued tasks run at once, so mailoutbox sees the invitations."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [],
        }
    }
