from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "tillit.registrations"
    label = "registrations"
