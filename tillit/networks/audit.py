"""What networks records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import Announcement, Meeting, Membership, Network, SharedFile

auditing.track(Network)
auditing.track(Membership)
auditing.track(Announcement)
auditing.track(Meeting)
auditing.track(SharedFile)
