from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tillit.learning"
    label = "learning"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.send_assignment_reminders, queue="default")
