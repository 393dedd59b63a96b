from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tillit.notifications"
    label = "notifications"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.send_due, queue="mail")
        periodic.declare(services.recover_stuck_tasks, queue="urgent")
