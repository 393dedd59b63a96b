"""An organiser's e-mail to some of a cohort's people.

The message is recorded on the cohort (CohortMessage) and one mail per
recipient in the notifications outbox, in one transaction: both are recorded
or neither. The form's key makes a second post of the same form (a double
click, a reload) return the first message and record nothing more.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tillit.core.models import Person
from tillit.notifications import services as notifications
from tillit.programmes.models import Cohort

from ..models import CohortMessage
from .seats import RegistrationError

TEMPLATE = "registrations/email/cohort_message"


class MessageRefused(RegistrationError):
    """A message that cannot be sent as asked."""


class RecipientsChanged(MessageRefused):
    """The group is not the one the sender saw before asking to send."""


def mail_context(
    *,
    sender: Person,
    audience: object,
    subject: str,
    body: str,
    assignment_title: str = "",
) -> dict[str, str]:
    """What the mail template needs besides the cohort: plain values, so the
    preview and the recorded mail are rendered from the same facts."""
    return {
        "sender_name": sender.get_full_name(),
        "sender_email": sender.email,
        "audience": str(audience),
        "assignment_title": assignment_title,
        "subject": subject,
        "body": body,
    }


def preview_message(
    cohort: Cohort,
    *,
    actor: Person,
    recipient: Person,
    audience: str,
    subject: str,
    body: str,
    assignment_title: str = "",
) -> tuple[str, str]:
    """(subject, body) of the mail `recipient` would get, as send_message
    would record it, in the recipient's language."""
    return notifications.preview(
        recipient,
        kind=notifications.Kind.COHORT_MESSAGE,
        template=TEMPLATE,
        objects={"cohort": cohort},
        context=mail_context(
            sender=actor,
            audience=audience,
            subject=" ".join(subject.split()),
            body=body.strip(),
            assignment_title=assignment_title,
        ),
    )


def send_message(
    cohort: Cohort,
    *,
    actor: Person,
    audience: str,
    recipients: Iterable[Person],
    subject: str,
    body: str,
    key: str,
    assignment_title: str = "",
    expected: int | None = None,
) -> tuple[CohortMessage, bool]:
    """Record the message and one mail to each of `recipients` (chosen by the
    caller for `audience`; the caller checks that `actor` organises the
    cohort). Returns (message, created): created is False when a message with
    `key` exists, and nothing is recorded then. Raises MessageRefused for an
    empty subject, body or list of recipients, and RecipientsChanged when
    `expected`, the count the sender was shown, is no longer the count."""
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise MessageRefused(_("Write a subject and a message."))
    existing = CohortMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    people = list(dict.fromkeys(recipients))
    if not people:
        raise MessageRefused(_("Nobody is in the group you chose."))
    if expected is not None and expected != len(people):
        raise RecipientsChanged(
            _("The group has changed since you saw it: check the recipients again.")
        )
    try:
        with transaction.atomic():
            message = CohortMessage.objects.create(
                cohort=cohort,
                sender=actor,
                audience=CohortMessage.Audience(audience),
                assignment_title=assignment_title,
                subject=subject,
                body=body,
                recipients_count=len(people),
                key=key,
            )
            context = mail_context(
                sender=actor,
                audience=audience,
                subject=subject,
                body=body,
                assignment_title=assignment_title,
            )
            for person in people:
                notifications.notify(
                    person,
                    kind=notifications.Kind.COHORT_MESSAGE,
                    key=f"cohort-message:{message.pk}:{person.pk}",
                    template=TEMPLATE,
                    objects={"cohort": cohort, "message": message},
                    context=context,
                )
    except IntegrityError:  # the same form, posted twice at once: the first won
        return CohortMessage.objects.get(key=key), False
    return message, True
