from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py loaddemo`): the top floor, as it builds on
    every app; no app imports it."""

    name = "tillit.demo"
    label = "demo"
