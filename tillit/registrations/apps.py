from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "tillit.registrations"
    label = "registrations"

    def ready(self):
        from tillit.core import periodic

        from . import services

        periodic.declare(services.expire_due)
        periodic.declare(services.send_session_reminders)
