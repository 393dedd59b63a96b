"""What rollouts records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import (
    Employment,
    Exclusion,
    FollowUp,
    ImportBatch,
    Placement,
    RolloutCohort,
    RolloutPlan,
)

auditing.track(Employment)
auditing.track(ImportBatch)
auditing.track(RolloutPlan, scope=lambda plan: (plan.programme_id, None))
auditing.track(RolloutCohort)
auditing.track(Placement, m2m_fields=("barred",))
auditing.track(Exclusion)
auditing.track(FollowUp)
