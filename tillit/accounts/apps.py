from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tillit.accounts"
    label = "accounts"
    verbose_name = _("Sign-in and accounts")

    def ready(self):
        from . import (
            audit,  # noqa: F401
            receivers,  # noqa: F401
        )
