"""The mail outbox, opt-outs and calendar feeds in the register of personal
data; sent mails' rendered bodies go by retention rule."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    WHILE_ACCOUNT,
    Erasure,
    declare,
    declare_retention,
)

from .models import CalendarFeed, Notification, Optout

declare(
    Notification,
    purpose=_("E-mails sent to you: address, subject and text."),
    retention=_(
        "The text of a sent mail goes by the organisation's retention rule; the "
        "rest as long as you use Tillit."
    ),
    erasure=Erasure.DELETE,
)
declare(
    Optout,
    purpose=_("The reminders you have turned off."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    CalendarFeed,
    purpose=_("Your private calendar feed."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
    exclude=("token",),
)


def _bodies_due(organisation, cutoff):
    return Notification.objects.filter(
        person__organisation=organisation,
        status=Notification.Status.SENT,
        sent_at__lt=cutoff,
    ).exclude(body="", html="")


declare_retention(
    "sent_mail_bodies",
    label=_("Text of sent e-mails"),
    description=_("Counted from sending; who got which mail when stays."),
    due=_bodies_due,
    dispose=lambda rows: rows.update(body="", html=""),
)
