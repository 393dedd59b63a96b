"""What groups records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import (
    Agreement,
    Application,
    GroupMeeting,
    GroupMember,
    GroupRound,
    LogEntry,
    PeerGroup,
    Proposal,
    RoundTheme,
)

auditing.track(GroupRound, m2m_fields=("facilitators",))
auditing.track(Application)
auditing.track(Proposal)
auditing.track(PeerGroup)
auditing.track(GroupMember)
auditing.track(Agreement)
auditing.track(GroupMeeting)
auditing.track(LogEntry)
auditing.track(RoundTheme)
