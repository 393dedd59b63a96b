"""What learning records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    CompletionRule,
    Feedback,
    Milestone,
    Preparation,
    PreparationFile,
    SessionCode,
    Submission,
    SubmissionFile,
)

auditing.track(Preparation)
auditing.track(PreparationFile)
auditing.track(
    Assignment, scope=lambda assignment: (assignment.cohort.programme_id, None)
)
auditing.track(Milestone)
auditing.track(Submission)
auditing.track(SubmissionFile)
auditing.track(Feedback)
auditing.track(Attendance)
# The code itself lets anyone check in to the session: who changed it and when
# is kept, the code is not.
auditing.track(SessionCode, exclude_fields=("code",))
auditing.track(CompletionRule, scope=lambda rule: (rule.programme_id, None))
auditing.track(
    Certificate,
    scope=lambda certificate: (certificate.cohort.programme_id, certificate.cohort_id),
)
auditing.track(
    AlumniMembership, scope=lambda membership: (membership.programme_id, None)
)
