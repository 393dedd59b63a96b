from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tillit.events"
    label = "events"

    def ready(self):
        from . import audit  # noqa: F401
