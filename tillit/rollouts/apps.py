from django.apps import AppConfig


class RolloutsConfig(AppConfig):
    name = "tillit.rollouts"
    label = "rollouts"

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        periodic.declare(services.notify_follow_ups_due, queue="default")
