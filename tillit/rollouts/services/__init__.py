"""Everything that writes rollouts. Call these qualified: `services.publish(...)`."""

from .errors import RolloutError
from .imports import batch_is_stale, confirm_import, mark_left, preview_import
from .planning import (
    add_cohort,
    create_plan,
    exclude,
    generate_dates,
    include,
    move,
    placement_problems,
    plan_employments,
    run_planning,
    set_bar,
    set_pin,
    start_planning,
    update_cohort_days,
)
from .publishing import (
    Changes,
    PublishReport,
    changes_preview,
    is_hr,
    log_follow_up,
    notify_follow_ups_due,
    pending_changes,
    publish,
)

__all__ = [
    "Changes",
    "PublishReport",
    "RolloutError",
    "add_cohort",
    "batch_is_stale",
    "changes_preview",
    "confirm_import",
    "create_plan",
    "exclude",
    "generate_dates",
    "include",
    "is_hr",
    "log_follow_up",
    "mark_left",
    "move",
    "notify_follow_ups_due",
    "pending_changes",
    "placement_problems",
    "plan_employments",
    "preview_import",
    "publish",
    "run_planning",
    "set_bar",
    "set_pin",
    "start_planning",
    "update_cohort_days",
]
