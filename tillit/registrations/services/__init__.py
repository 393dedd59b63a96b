"""Everything that changes a registration. Call these qualified:
`services.register(...)`. The seat lock and shared rules are in `seats`."""

from .approvals import (
    accept_offer,
    can_approve,
    decide_approval,
    decline_offer,
    expire_due,
)
from .employers import BookingOutcome, book_for_others, name_seat, reserve_seats, swap
from .messages import (
    MessageRefused,
    RecipientsChanged,
    preview_message,
    send_message,
)
from .participants import (
    cancel,
    change_capacity,
    decide_exception,
    move,
    own_cancel_refusal,
    promote_next,
    register,
    request_exception,
    update_cohort,
)
from .reminders import send_session_reminders
from .seats import (
    AlreadyRegistered,
    CancelRefused,
    CohortFull,
    NotAllowed,
    NotEligible,
    RegistrationClosed,
    RegistrationError,
    TryAgain,
    lock_cohorts,
    seat_service,
)

__all__ = [
    "AlreadyRegistered",
    "BookingOutcome",
    "CancelRefused",
    "CohortFull",
    "MessageRefused",
    "NotAllowed",
    "NotEligible",
    "RecipientsChanged",
    "RegistrationClosed",
    "RegistrationError",
    "TryAgain",
    "accept_offer",
    "book_for_others",
    "can_approve",
    "cancel",
    "change_capacity",
    "decide_approval",
    "decide_exception",
    "decline_offer",
    "expire_due",
    "lock_cohorts",
    "move",
    "name_seat",
    "own_cancel_refusal",
    "preview_message",
    "promote_next",
    "register",
    "request_exception",
    "reserve_seats",
    "seat_service",
    "send_message",
    "send_session_reminders",
    "swap",
    "update_cohort",
]
