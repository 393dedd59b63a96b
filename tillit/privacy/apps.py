from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tillit.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from tillit.core import periodic

        from . import (
            audit,  # noqa: F401
            services,
        )

        # Once a day: the organisations' retention rules (gallringsbeslut).
        periodic.declare(services.apply_retention_daily, queue="default")
