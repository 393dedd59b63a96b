from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "tillit.registrations"
    label = "registrations"

    def ready(self):
        from . import audit  # noqa: F401
