"""What privacy records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import ErasureRequest, PrivacyContact, RetentionRule, RetentionRun

# Who answers for an organisation's personal data, and its retention decisions:
# changes to them are accountable (who named whom, who shortened what).
auditing.track(PrivacyContact)
auditing.track(RetentionRule)
auditing.track(ErasureRequest, exclude_fields=("report",))
auditing.exclude(
    RetentionRun,
    "A log of its own: each run records what it removed, and nothing edits it.",
)
