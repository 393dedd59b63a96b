from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tillit.core"
    label = "core"
    verbose_name = "Tillit"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import (
            audit,  # noqa: F401
            timezones,
        )

        user_logged_in.connect(timezones.remember_zone, dispatch_uid="tillit-zone")
