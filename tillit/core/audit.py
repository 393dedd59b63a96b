"""What core records in the audit trail (see tillit.core.auditing)."""

from . import auditing
from .models import Organisation, Person, SecurityEvent, Unit

auditing.track(Organisation)
auditing.track(Unit)
# The password is never written (auditing.SECRET_FIELDS); the time of the last
# sign-in changes at every sign-in and is in the security log instead.
auditing.track(Person, exclude_fields=("last_login",), m2m_fields=("groups",))

auditing.exclude(
    SecurityEvent,
    "It is the security log itself: append-only, read in the admin.",
)
