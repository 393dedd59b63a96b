from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "tillit.mentoring"
    label = "mentoring"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.send_meeting_reminders, queue="default")
