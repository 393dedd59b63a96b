from tillit.notifications.testing import _immediate_tasks  # noqa: F401
