import pytest

from tillit.notifications.testing import IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks (planning, mail) run at once when their on-commit callback runs."""
    settings.TASKS = IMMEDIATE_TASKS
