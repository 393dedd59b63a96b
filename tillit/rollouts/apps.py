from django.apps import AppConfig


class RolloutsConfig(AppConfig):
    name = "tillit.rollouts"
    label = "rollouts"
