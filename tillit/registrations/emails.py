"""Mail about registrations, in the recipient's language. Called after commit,
with ids, so a rolled-back change never sends mail and a failure to send never
undoes a registration. Receipts and waitlist promotions go through
tillit.notifications (recorded once, sent by the worker, retried); the rest are
sent at once."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from tillit.notifications import services as notifications

from .models import ExceptionRequest, Registration

logger = logging.getLogger(__name__)


def _send(person, template, context):
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {"person": person, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    try:
        send_mail(subject, body, None, [person.email])
    except OSError:
        logger.exception("Could not send %s to person %s", template, person.pk)


def _registration(pk):
    return Registration.objects.select_related(
        "person__organisation", "approver", "cohort__programme__organiser"
    ).get(pk=pk)


def _to_participant(template):
    """A sender that mails the registered person about their registration."""

    def send(registration_pk):
        registration = _registration(registration_pk)
        _send(
            registration.person,
            f"registrations/email/{template}",
            {"registration": registration, "cohort": registration.cohort},
        )

    send.__name__ = f"send_{template}"
    return send


def send_registration_receipt(registration_pk):
    """The receipt for a registration: a confirmed seat, a seat held for approval
    or a place on the waitlist. Sent once per registration and status, from a
    background task (tillit.notifications)."""
    registration = _registration(registration_pk)
    notifications.notify(
        registration.person,
        kind=notifications.Kind.REGISTRATION_CONFIRMED,
        key=f"registration-receipt:{registration.pk}:{registration.status}",
        template="registrations/email/receipt",
        objects={"registration": registration, "cohort": registration.cohort},
    )


def send_promotion(registration_pk):
    """A seat freed up and the first person waiting got it. Sent once per
    confirmation, from a background task (tillit.notifications)."""
    registration = _registration(registration_pk)
    confirmed_at = registration.confirmed_at
    confirmed = confirmed_at.isoformat() if confirmed_at else ""
    notifications.notify(
        registration.person,
        kind=notifications.Kind.WAITLIST_PROMOTED,
        key=f"waitlist-promoted:{registration.pk}:{confirmed}",
        template="registrations/email/promoted",
        objects={"registration": registration, "cohort": registration.cohort},
    )


def send_seat_passed_on(registration_pk, *, had, by):
    """An employer contact gave the person's seat (or place on the waitlist)
    to a colleague: tell the person, with what they had and who passed it on.
    Recorded in the outbox with the facts of the moment of the swap."""
    registration = _registration(registration_pk)
    notifications.notify(
        registration.person,
        kind=notifications.Kind.SEAT_PASSED_ON,
        key=f"seat-passed-on:{registration.pk}",
        template="registrations/email/seat_passed_on",
        objects={"registration": registration, "cohort": registration.cohort},
        context={"had": had, "by": by},
    )


send_approval_decision = _to_participant("approval_decision")
send_offer = _to_participant("offer")
send_lapsed = _to_participant("lapsed")


def _approvers(registration):
    if registration.approver_id:
        return [registration.approver]
    organisation = registration.person.organisation
    return list(organisation.employer_contacts.all()) if organisation else []


def send_approval_request(registration_pk):
    """Ask whoever may approve a held seat, each with their own signed link."""
    from django.urls import reverse

    from .tokens import approval_token

    registration = _registration(registration_pk)
    for approver in _approvers(registration):
        token = approval_token(registration, approver)
        link = settings.SITE_URL + reverse("registrations:approval-link", args=[token])
        _send(
            approver,
            "registrations/email/approval_request",
            {
                "registration": registration,
                "cohort": registration.cohort,
                "participant": registration.person,
                "link": link,
            },
        )


def send_exception_decision(request_pk):
    request = ExceptionRequest.objects.select_related("person", "programme").get(
        pk=request_pk
    )
    _send(
        request.person, "registrations/email/exception_decision", {"request": request}
    )
