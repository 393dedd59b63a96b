"""Everything that writes rollouts. Call these qualified: `services.publish(...)`."""

from .errors import RolloutError
from .imports import batch_is_stale, confirm_import, mark_left, preview_import
from .planning import (
    create_plan,
    generate_dates,
    move,
    placement_problems,
    run_planning,
    set_bar,
    set_pin,
    start_planning,
    update_cohort_days,
)
from .publishing import (
    PublishReport,
    is_hr,
    log_follow_up,
    notify_follow_ups_due,
    pending_changes,
    publish,
)

__all__ = [
    "PublishReport",
    "RolloutError",
    "batch_is_stale",
    "confirm_import",
    "create_plan",
    "generate_dates",
    "is_hr",
    "log_follow_up",
    "mark_left",
    "move",
    "notify_follow_ups_due",
    "pending_changes",
    "placement_problems",
    "preview_import",
    "publish",
    "run_planning",
    "set_bar",
    "set_pin",
    "start_planning",
    "update_cohort_days",
]
