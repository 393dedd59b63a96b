from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tillit.programmes"
    label = "programmes"

    def ready(self):
        from . import audit  # noqa: F401
