"""Events in the register of personal data."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    WHO_DID_IT,
    Erasure,
    declare,
    declare_free,
)

from .models import Event, Invitation, InvitationRound, MaterialFile, Talk

declare(
    Invitation,
    purpose=_("Your invitations to events."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
)
declare(
    Event,
    owners=("created_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    InvitationRound,
    owners=("sent_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    MaterialFile,
    owners=("uploaded_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare_free(Talk, reason="A talk's title and description.")
