from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tillit.core"
    label = "core"
    verbose_name = "Tillit"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        from . import (
            audit,  # noqa: F401
            faults,
            lookups,  # noqa: F401
            timezones,
        )

        user_logged_in.connect(timezones.remember_zone, dispatch_uid="tillit-zone")
        connection_created.connect(
            faults.set_lock_timeout, dispatch_uid="tillit-lock-timeout"
        )
        # The register of personal data: each app declares its models in its
        # own personal_data.py (tillit.core.personal_data).
        from .register import declare_core

        declare_core()
        autodiscover_modules("personal_data")
