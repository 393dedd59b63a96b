from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tillit.learning"
    label = "learning"

    def ready(self):
        from . import audit  # noqa: F401
