from django.apps import AppConfig


class RolloutsConfig(AppConfig):
    name = "tillit.rollouts"
    label = "rollouts"

    def ready(self):
        from . import audit  # noqa: F401
