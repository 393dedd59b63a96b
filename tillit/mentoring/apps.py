from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "tillit.mentoring"
    label = "mentoring"

    def ready(self):
        from . import audit  # noqa: F401
