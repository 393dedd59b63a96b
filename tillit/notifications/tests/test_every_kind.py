"""Every mail goes through the outbox (issue 17): whatever its kind, a mail
server that fails once is retried and the mail arrives exactly once; and no
module outside tillit.notifications sends mail itself."""

import ast
import datetime as dt
import re
import smtplib
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

import tillit
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.notifications import services
from tillit.notifications.models import Notification
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations import services as registrations
from tillit.registrations.models import ExceptionRequest

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Notification.Status
TILLIT = Path(tillit.__file__).resolve().parent


class FailsOnceBackend(EmailBackend):
    """A mail server that refuses each message the first time it is offered,
    and takes it (into mail.outbox) the next time."""

    refused = set()

    def send_messages(self, messages):
        for message in messages:
            seen = (message.subject, tuple(message.to))
            if seen not in self.refused:
                self.refused.add(seen)
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def fails_once(settings):
    FailsOnceBackend.refused = set()
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.FailsOnceBackend", "OPTIONS": {}}
    }
    mail.outbox = []


def _retry_after_the_backoff():
    """The worker's periodic round, once the retries are due."""
    Notification.objects.filter(status=Status.QUEUED).update(
        next_attempt_at=timezone.now() - services.LOST_AFTER - dt.timedelta(minutes=1)
    )
    services.send_due()


def _arrives_once_after_one_failure(notifications):
    assert notifications, "no mail was recorded"
    for notification in notifications:
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Status.QUEUED, 1)
    assert mail.outbox == []

    _retry_after_the_backoff()
    _retry_after_the_backoff()  # a second round sends nothing again

    for notification in notifications:
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Status.SENT, 2)
        address = notification.to_address or notification.person.email
        arrived = [
            m for m in mail.outbox if m.to == [address] and m.body == notification.body
        ]
        assert len(arrived) == 1, notification.kind
    assert len(mail.outbox) == len(notifications)


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_of_mail_is_retried_after_a_failure_and_arrives_once(
    kind, fails_once, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    session = SessionFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            person,
            kind=kind,
            key=f"every-kind:{kind}",
            template="notifications/email/session_reminder",
            objects={"session": session, "cohort": session.cohort},
            context={"time_zone": "Europe/Stockholm"},
        )

    _arrives_once_after_one_failure([notification])


def test_a_mail_rendered_elsewhere_to_another_address_is_retried_and_arrives_once(
    fails_once, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="old@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.record_rendered(
            person,
            kind=Kind.ACCOUNT,
            key="account:confirm:1",
            subject="Confirm your new address",
            body="Open the link to confirm new@example.org.",
            to="new@example.org",
        )

    _arrives_once_after_one_failure([notification])
    assert mail.outbox[0].to == ["new@example.org"]


# The registration mail, made by the services that make it in production.


def _employee_and_manager():
    municipality = OrganisationFactory()
    manager = PersonFactory(organisation=municipality)
    return PersonFactory(organisation=municipality, manager=manager), manager


def _receipt():
    return lambda: registrations.register(PersonFactory(), CohortFactory())


def _promotion():
    cohort = CohortFactory(capacity=1)
    seat = registrations.register(PersonFactory(), cohort)
    registrations.register(PersonFactory(), cohort)
    return lambda: registrations.cancel(seat)


def _offer():
    cohort = CohortFactory(capacity=1, waitlist_rule=Cohort.WaitlistRule.OFFER)
    seat = registrations.register(PersonFactory(), cohort)
    registrations.register(PersonFactory(), cohort)
    return lambda: registrations.cancel(seat)


def _approval_request():
    employee, _manager = _employee_and_manager()
    cohort = CohortFactory(programme__approval="manager")
    return lambda: registrations.register(employee, cohort)


def _held(employee):
    return registrations.register(
        employee, CohortFactory(programme__approval="manager")
    )


def _approval_decision():
    employee, manager = _employee_and_manager()
    held = _held(employee)
    return lambda: registrations.decide_approval(held, approve=True, actor=manager)


def _lapse():
    employee, _manager = _employee_and_manager()
    held = _held(employee)
    return lambda: registrations.expire_due(held.expires_at + dt.timedelta(minutes=1))


def _exception_decision():
    cohort = CohortFactory()
    request = ExceptionRequest.objects.create(
        programme=cohort.programme, person=PersonFactory(), motivation="Strateg."
    )
    organiser = OrganiserFactory()
    return lambda: registrations.decide_exception(request, grant=True, actor=organiser)


def _seat_passed_on():
    municipality = OrganisationFactory()
    contact = PersonFactory(organisation=municipality)
    municipality.employer_contacts.add(contact)
    seat = registrations.register(
        PersonFactory(organisation=municipality), CohortFactory()
    )
    colleague = PersonFactory(organisation=municipality)
    return lambda: registrations.swap(seat, colleague, actor=contact)


REGISTRATION_MAIL = {
    Kind.REGISTRATION_CONFIRMED: _receipt,
    Kind.WAITLIST_PROMOTED: _promotion,
    Kind.SEAT_OFFERED: _offer,
    Kind.APPROVAL_REQUESTED: _approval_request,
    Kind.APPROVAL_DECIDED: _approval_decision,
    Kind.SEAT_LAPSED: _lapse,
    Kind.EXCEPTION_DECIDED: _exception_decision,
    Kind.SEAT_PASSED_ON: _seat_passed_on,
}


def test_every_kind_of_registration_mail_has_a_scenario_here():
    source = (TILLIT / "registrations" / "emails.py").read_text()

    made = {Kind[name] for name in re.findall(r"\bKind\.([A-Z_]+)", source)}

    assert made == set(REGISTRATION_MAIL)


@pytest.mark.parametrize("kind", list(REGISTRATION_MAIL), ids=str)
def test_registration_mail_is_retried_after_a_failure_and_arrives_once(
    kind, fails_once, django_capture_on_commit_callbacks
):
    act = REGISTRATION_MAIL[kind]()  # before: no mail is recorded or sent
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        act()

    recorded = list(Notification.objects.order_by("pk"))
    assert kind in {notification.kind for notification in recorded}
    _arrives_once_after_one_failure(recorded)


# Nothing else sends mail.

SENDING = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
}


def _is_sending_attribute(node, modules):
    return (
        isinstance(node, ast.Attribute)
        and node.attr in SENDING
        and ast.unparse(node.value) in modules
    )


def mail_sending(source):
    """The lines of `source` that use django.core.mail's sending functions."""
    tree = ast.parse(source)
    modules = {"django.core.mail"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core":
            modules |= {a.asname or a.name for a in node.names if a.name == "mail"}
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "django.core.mail" and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            imported = {alias.name for alias in node.names}
            if SENDING & imported:
                found.append(node.lineno)
        elif _is_sending_attribute(node, modules):
            found.append(node.lineno)
    return sorted(found)


def test_the_mail_check_finds_each_way_of_sending():
    source = (
        "from django.core.mail import send_mail\n"
        "from django.core import mail as m\n"
        "import django.core.mail\n"
        "m.EmailMessage('s', 'b', to=['a@example.org']).send()\n"
        "django.core.mail.mail_admins('s', 'b')\n"
        "def send_mail(self): pass\n"
        "mail.outbox.clear()\n"
    )

    assert mail_sending(source) == [1, 4, 5]


def test_no_module_outside_notifications_sends_mail_itself():
    notifications = TILLIT / "notifications"

    senders = {
        str(path.relative_to(TILLIT)): lines
        for path in TILLIT.rglob("*.py")
        if notifications not in path.parents
        and (lines := mail_sending(path.read_text()))
    }

    assert senders == {}
