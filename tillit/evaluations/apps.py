from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "tillit.evaluations"
    label = "evaluations"

    def ready(self):
        from . import audit  # noqa: F401
