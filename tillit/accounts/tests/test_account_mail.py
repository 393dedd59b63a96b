import pytest
from django.urls import reverse

from tillit.core.tests.factories import PersonFactory
from tillit.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_password_reset_mail_goes_through_the_outbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "/accounts/password/reset/key/" in message.body
    row = Notification.objects.get(person=person)
    assert (row.kind, row.status) == ("account", Notification.Status.SENT)


def test_nothing_is_sent_for_an_unknown_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": "okand@example.org"}
        )

    assert response.status_code == 302  # the same answer as for a known address
    assert mailoutbox == []


def test_a_new_address_is_confirmed_by_a_mail_to_the_new_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_email"),
            {"action_add": "", "email": "ny.adress@example.org"},
        )

    (message,) = mailoutbox
    assert message.to == ["ny.adress@example.org"]
    assert "/accounts/confirm-email/" in message.body
    person.refresh_from_db()
    assert person.email != "ny.adress@example.org"  # not before it is confirmed
