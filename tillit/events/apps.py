from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tillit.events"
    label = "events"

    def ready(self):
        from tillit.core import periodic

        from . import services

        periodic.declare(services.send_event_reminders)
