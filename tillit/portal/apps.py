from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: where each person starts, and the menu of their roles."""

    name = "tillit.portal"
    label = "portal"
