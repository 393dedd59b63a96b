"""What notifications records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import CalendarFeed, Notification, Optout

auditing.exclude(
    Notification,
    "The outbox: each row is a mail with its fixed facts, written once by the "
    "service that queues it and stamped when the worker sends it; copying every "
    "mail's text into the trail would duplicate personal data without telling "
    "more.",
)
auditing.track(Optout)
# The feed's token is a secret (auditing.SECRET_FIELDS): only that it changed.
auditing.track(CalendarFeed)
