# Enqueued mail tasks run at once, so mailoutbox sees mail after on-commit.
from tillit.notifications.testing import _immediate_tasks  # noqa: F401
