from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "tillit.registrations"
    label = "registrations"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.expire_due, queue="urgent")
        periodic.declare(services.send_session_reminders, queue="default")
