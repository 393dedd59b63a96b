from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tillit.learning"
    label = "learning"
