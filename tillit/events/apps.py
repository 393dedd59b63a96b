from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tillit.events"
    label = "events"
