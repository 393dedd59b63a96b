"""The privacy app's own tables in the register of personal data."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    WHILE_ACCOUNT,
    Erasure,
    declare,
)

from .models import ErasureRequest, PrivacyContact

declare(
    PrivacyContact,
    purpose=_("That you answer for an organisation's personal data."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    ErasureRequest,
    purpose=_("Your requests for erasure and how they were decided."),
    retention=_("Kept as the record that the erasure was done."),
    erasure=Erasure.KEEP,
    keep_reason=_("The record that the erasure was done."),
)
