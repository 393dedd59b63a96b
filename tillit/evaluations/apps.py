from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "tillit.evaluations"
    label = "evaluations"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.invite_after_sessions, queue="default")
