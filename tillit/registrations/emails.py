"""Mail about registrations, in the recipient's language, through the
notifications outbox (tillit.notifications.services.notify): each mail is
recorded once under a stable key, rendered with the facts of that moment, and
sent and retried by the worker. Nothing here sends mail itself.

Each function takes an id, so it can run after commit (the seat services, which
hold the cohort lock, record their mail just after it is released) or inside a
service's transaction (the mail is then recorded if and only if the change is)."""

import functools

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from tillit.notifications import services as notifications
from tillit.programmes.models import Cohort

from .models import ExceptionRequest, Registration
from .tokens import approval_token

Kind = notifications.Kind


def _registration(pk):
    return Registration.objects.select_related(
        "person__organisation", "approver", "cohort__programme__organiser"
    ).get(pk=pk)


def _stamp(moment):
    return moment.isoformat() if moment else ""


def _to_participant(registration, *, kind, key, template, context=None):
    return notifications.notify(
        registration.person,
        kind=kind,
        key=key,
        template=f"registrations/email/{template}",
        objects={"registration": registration, "cohort": registration.cohort},
        context=context,
    )


def receipt_after_commit(registration, cohort):
    """Record the receipt for a registration once the seat change's transaction
    commits. Called inside it, under the cohort lock: the facts the receipt
    tells (status, hold, cohort, programme, organiser, the person's name) are
    taken from the rows just read and written, so recording it after commit
    reads nothing and renders nothing (the worker renders it from them)."""
    person = registration.person
    context = receipt_context(registration, cohort)
    transaction.on_commit(
        functools.partial(_record_receipt, person, registration.pk, cohort.pk, context)
    )


def receipt_context(registration, cohort):
    """What the receipt tells, as JSON for the outbox, with the texts in the
    person's language; `cohort` is the registration's, read with its
    programme and organiser."""
    programme = cohort.programme
    with translation.override(notifications.language_for(registration.person)):
        return {
            "person": {"first_name": registration.person.first_name},
            "registration": {
                "status": registration.status,
                "expires_at": registration.expires_at,
            },
            "cohort": {
                "name": cohort.name,
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "programme": {
                    "title": programme.title,
                    "organiser": {"name": programme.organiser.name},
                },
            },
            # The hold's end is told in the zone of the request that made it.
            "time_zone": timezone.get_current_timezone_name(),
        }


def _record_receipt(person, registration_pk, cohort_pk, context):
    status = context["registration"]["status"]
    return notifications.notify(
        person,
        kind=Kind.REGISTRATION_CONFIRMED,
        key=f"registration-receipt:{registration_pk}:{status}",
        template="registrations/email/receipt",
        objects={
            "registration": Registration(pk=registration_pk),
            "cohort": Cohort(pk=cohort_pk),
        },
        context=context,
        render_now=False,
    )


def send_registration_receipt(registration_pk):
    """The receipt for a registration: a confirmed seat, a seat held for approval
    or a place on the waitlist. Recorded once per registration and status.
    The seat services use receipt_after_commit, which reads nothing again."""
    registration = _registration(registration_pk)
    _record_receipt(
        registration.person,
        registration.pk,
        registration.cohort_id,
        receipt_context(registration, registration.cohort),
    )


def send_promotion(registration_pk):
    """A seat freed up and the first person waiting got it. Recorded once per
    confirmation."""
    registration = _registration(registration_pk)
    _to_participant(
        registration,
        kind=Kind.WAITLIST_PROMOTED,
        key=f"waitlist-promoted:{registration.pk}:{_stamp(registration.confirmed_at)}",
        template="promoted",
    )


def send_offer(registration_pk):
    """A seat is offered to the first person waiting, until it expires. Recorded
    once per offer (an offer is known by its expiry)."""
    registration = _registration(registration_pk)
    _to_participant(
        registration,
        kind=Kind.SEAT_OFFERED,
        key=f"offer:{registration.pk}:{_stamp(registration.expires_at)}",
        template="offer",
    )


def send_approval_decision(registration_pk):
    """A held seat was approved (confirmed) or refused (gone to the waitlist)."""
    registration = _registration(registration_pk)
    _to_participant(
        registration,
        kind=Kind.APPROVAL_DECIDED,
        key=f"approval-decision:{registration.pk}:{registration.status}",
        template="approval_decision",
    )


def send_lapsed(registration_pk):
    """A held seat was not approved in time, or an offer not accepted in time."""
    registration = _registration(registration_pk)
    _to_participant(
        registration,
        kind=Kind.SEAT_LAPSED,
        key=f"lapsed:{registration.pk}:{_stamp(registration.cancelled_at)}",
        template="lapsed",
    )


def send_seat_passed_on(registration_pk, *, had, by):
    """An employer contact gave the person's seat (or place on the waitlist)
    to a colleague: tell the person, with what they had and who passed it on."""
    registration = _registration(registration_pk)
    _to_participant(
        registration,
        kind=Kind.SEAT_PASSED_ON,
        key=f"seat-passed-on:{registration.pk}",
        template="seat_passed_on",
        context={"had": had, "by": by},
    )


def _approvers(registration):
    if registration.approver_id:
        return [registration.approver]
    organisation = registration.person.organisation
    return list(organisation.employer_contacts.all()) if organisation else []


def send_approval_request(registration_pk):
    """Ask whoever may approve a held seat (the named approver, else every
    employer contact of the participant's organisation; all of them people),
    each with their own signed link. Recorded once per approver and hold."""
    registration = _registration(registration_pk)
    hold = _stamp(registration.expires_at)
    for approver in _approvers(registration):
        token = approval_token(registration, approver)
        link = settings.SITE_URL + reverse("registrations:approval-link", args=[token])
        notifications.notify(
            approver,
            kind=Kind.APPROVAL_REQUESTED,
            key=f"approval-request:{registration.pk}:{approver.pk}:{hold}",
            template="registrations/email/approval_request",
            objects={
                "registration": registration,
                "cohort": registration.cohort,
                "participant": registration.person,
            },
            context={"link": link},
        )


def send_exception_decision(request_pk):
    """The organiser granted or refused a request to take part from outside the
    programme's target group."""
    request = ExceptionRequest.objects.select_related(
        "person", "programme__organiser"
    ).get(pk=request_pk)
    notifications.notify(
        request.person,
        kind=Kind.EXCEPTION_DECIDED,
        key=f"exception-decision:{request.pk}:{request.status}",
        template="registrations/email/exception_decision",
        objects={"request": request},
    )
