from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tillit.notifications"
    label = "notifications"

    def ready(self):
        from tillit.core import periodic

        from . import services

        periodic.declare(services.send_due)
