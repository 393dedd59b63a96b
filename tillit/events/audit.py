"""What events records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import Event, Invitation, InvitationRound, MaterialFile, Talk

auditing.track(Event)
auditing.track(Talk)
auditing.track(MaterialFile)
auditing.track(InvitationRound, m2m_fields=("organisations",))
auditing.track(Invitation)
