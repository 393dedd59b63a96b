"""Everything that writes peer-group data: the pool, the proposal and its
changes by hand, publishing, continuing next year, and the groups' own pages.
Callers use these names: `services.apply(...)`, `services.publish(...)`."""

from .errors import GroupsError
from .pool import (
    accept_waiting,
    add_facilitator,
    add_network_members,
    apply,
    create_round,
    decide,
    raise_theme,
    update_round,
    withdraw,
)
from .proposals import choose_way_out, move, request_proposal, run_proposal
from .publishing import continue_round, publish
from .spaces import log_meeting, plan_meeting, update_meeting, write_agreement

__all__ = [
    "GroupsError",
    "accept_waiting",
    "add_facilitator",
    "add_network_members",
    "apply",
    "choose_way_out",
    "continue_round",
    "create_round",
    "decide",
    "log_meeting",
    "move",
    "plan_meeting",
    "publish",
    "raise_theme",
    "request_proposal",
    "run_proposal",
    "update_meeting",
    "update_round",
    "withdraw",
    "write_agreement",
]
