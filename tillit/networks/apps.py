from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "tillit.networks"
    label = "networks"
