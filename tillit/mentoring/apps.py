from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "tillit.mentoring"
    label = "mentoring"
