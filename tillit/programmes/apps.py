from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tillit.programmes"
    label = "programmes"
