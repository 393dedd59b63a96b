from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tillit.notifications"
    label = "notifications"

    def ready(self):
        from . import audit  # noqa: F401
