from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "tillit.evaluations"
    label = "evaluations"
