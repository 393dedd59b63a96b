"""A request for erasure is mailed, through the outbox and once, to whoever
answers for the person's data: their organisation's privacy contacts, else
platform staff (issue 16)."""

import pytest
from django.core import mail

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications.models import Notification
from tillit.notifications.tests.test_every_kind import (  # noqa: F401 (fixture)
    _arrives_once_after_one_failure,
    fails_once,
)
from tillit.privacy import services
from tillit.privacy.models import PrivacyContact

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Exempelkommunen")


def contact_of(organisation, **fields):
    person = PersonFactory(organisation=organisation, **fields)
    PrivacyContact.objects.create(organisation=organisation, person=person)
    return person


def ask(person, capture):
    with capture(execute=True):
        return services.request_erasure(person)


def test_each_privacy_contact_gets_one_mail_with_the_link(
    organisation, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tillit.example.org"
    first, second = contact_of(organisation), contact_of(organisation)
    PersonFactory(is_staff=True, is_superuser=True)
    person = PersonFactory(
        organisation=organisation, first_name="Greta", last_name="Lind"
    )

    ask(person, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    message = mail.outbox[0]
    assert message.subject == "Greta Lind asks for erasure of their personal data"
    assert "https://tillit.example.org/privacy/erasures/" in message.body
    assert Notification.objects.filter(kind=Kind.ERASURE_REQUESTED).count() == 2


def test_without_a_privacy_contact_platform_staff_are_told(
    organisation, django_capture_on_commit_callbacks
):
    staff = PersonFactory(is_staff=True, is_superuser=True)
    PersonFactory(is_staff=True, is_superuser=True, is_active=False)
    PersonFactory(organisation=organisation)  # a colleague is not told

    ask(PersonFactory(organisation=organisation), django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_a_privacy_contact_asking_for_their_own_erasure_is_not_told_of_it(
    organisation, django_capture_on_commit_callbacks
):
    contact = contact_of(organisation)
    staff = PersonFactory(is_staff=True, is_superuser=True)

    ask(contact, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_the_mail_is_in_the_recipients_language(
    organisation, django_capture_on_commit_callbacks
):
    contact_of(organisation, preferred_language="fi")
    contact_of(organisation, preferred_language="sv")

    ask(PersonFactory(organisation=organisation), django_capture_on_commit_callbacks)

    languages = {
        n.person.preferred_language: n.subject for n in Notification.objects.all()
    }
    assert "poistamista" in languages["fi"]
    assert "radering" in languages["sv"]


def test_asking_again_while_pending_mails_no_one_again(
    organisation, django_capture_on_commit_callbacks
):
    contact_of(organisation)
    person = PersonFactory(organisation=organisation)
    ask(person, django_capture_on_commit_callbacks)

    with pytest.raises(services.ErasureError):
        ask(person, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("fails_once")
def test_when_the_mail_server_fails_once_the_mail_arrives_once(
    organisation, django_capture_on_commit_callbacks
):
    contact_of(organisation)

    ask(PersonFactory(organisation=organisation), django_capture_on_commit_callbacks)

    _arrives_once_after_one_failure(
        list(Notification.objects.filter(kind=Kind.ERASURE_REQUESTED))
    )
