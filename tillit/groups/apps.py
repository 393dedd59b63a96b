from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "tillit.groups"
    label = "groups"

    def ready(self):
        from . import audit  # noqa: F401
