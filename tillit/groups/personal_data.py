"""Peer groups in the register of personal data."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    WHILE_ACCOUNT,
    WHO_DID_IT,
    Erasure,
    declare,
)

from .models import (
    Agreement,
    Application,
    GroupMeeting,
    GroupMember,
    GroupRound,
    LogEntry,
    Proposal,
    RoundTheme,
)

declare(
    Application,
    purpose=_("Your applications to peer groups and what you hoped for."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"motivation": ""},
)
declare(
    GroupMember,
    purpose=_("The peer groups you are a member of."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
)
declare(
    Agreement,
    owners=("written_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    GroupMeeting,
    owners=("created_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    GroupRound,
    owners=("created_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    LogEntry,
    owners=("written_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    Proposal,
    owners=("requested_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    RoundTheme,
    owners=("raised_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
