"""What privacy records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import ErasureRequest, PrivacyContact, RetentionRule, RetentionRun

auditing.track(PrivacyContact)
auditing.track(RetentionRule)
auditing.exclude(
    RetentionRun,
    "It is the log of retention runs itself: written once per run, never edited.",
)
# Who asked, who decided and when is the request's own record; its report
# lists what was erased. The trail keeps the decision, not the report's text.
auditing.track(ErasureRequest, exclude_fields=("report",))
