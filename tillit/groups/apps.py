from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "tillit.groups"
    label = "groups"
