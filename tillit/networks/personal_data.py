"""Networks in the register of personal data."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    WHILE_ACCOUNT,
    WHO_DID_IT,
    Erasure,
    declare,
    declare_free,
)

from .models import Announcement, Meeting, Membership, Network, SharedFile

declare(
    Membership,
    purpose=_("Your memberships of networks and what you wrote when applying."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"application_text": ""},
)
declare(
    Announcement,
    owners=("author",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    SharedFile,
    owners=("uploaded_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare_free(Network, Meeting, reason="A network's and its meetings' descriptions.")
