from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tillit.events"
    label = "events"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.send_event_reminders, queue="default")
