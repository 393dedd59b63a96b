"""A busy or restarting database answers "try again" (503), never a 500."""

import threading

import pytest
from django.db import OperationalError, connection, connections
from django.test import RequestFactory
from django.urls import reverse

from tillit.core.middleware import TryAgainMiddleware
from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services as notification_services
from tillit.notifications.models import Optout

Kind = notification_services.Kind


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_a_locked_database_on_a_write_answers_503_try_again_in_swedish(
    client, monkeypatch, settings
):
    settings.LANGUAGE_CODE = "sv"
    client.force_login(PersonFactory(preferred_language="sv"))
    monkeypatch.setattr(notification_services, "set_wanted_kinds", _locked)

    response = client.post(
        reverse("notifications:settings"), {Kind.SESSION_REMINDER.value: "on"}
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "<h1>Försök igen om en stund</h1>" in page
    assert "Inget sparades" in page


@pytest.mark.django_db
def test_the_try_again_page_speaks_finnish_to_a_finnish_person(client, monkeypatch):
    client.force_login(PersonFactory(preferred_language="fi"))
    monkeypatch.setattr(notification_services, "set_wanted_kinds", _locked)

    response = client.post(
        reverse("notifications:settings"), {Kind.SESSION_REMINDER.value: "on"}
    )

    assert response.status_code == 503
    assert "Yritä hetken kuluttua uudelleen" in response.content.decode()


def test_the_api_answers_try_again_as_json():
    request = RequestFactory().post("/api/v1/registrations/")
    middleware = TryAgainMiddleware(lambda request: None)

    response = middleware.process_exception(
        request, OperationalError("database is locked")
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert b'"code": "try_again"' in response.content
    assert b'"detail"' in response.content


def test_other_database_errors_are_not_hidden_as_try_again():
    request = RequestFactory().get("/")
    middleware = TryAgainMiddleware(lambda request: None)

    assert (
        middleware.process_exception(request, OperationalError("no such table: x"))
        is None
    )
    assert middleware.process_exception(request, ValueError("bug")) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_that_waits_too_long_for_a_lock_answers_503_and_writes_nothing_half(
    client, settings
):
    """Another transaction holds the person's row for longer than
    DB_LOCK_TIMEOUT_MS: the settings change first deletes one choice, then its
    insert waits for the lock and gives up. Both are rolled back."""
    settings.DB_LOCK_TIMEOUT_MS = 300
    connection.close()  # the next connection takes the new lock_timeout
    person = PersonFactory()
    Optout.objects.create(person=person, kind=Kind.SESSION_REMINDER)
    client.force_login(person)
    holding, release = threading.Event(), threading.Event()

    def hold_the_person_row():
        with connections["default"].cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                f"SELECT 1 FROM {person._meta.db_table} WHERE id = %s FOR UPDATE",
                [person.pk],
            )
            holding.set()
            release.wait(20)
            cursor.execute("ROLLBACK")
        connections.close_all()

    holder = threading.Thread(target=hold_the_person_row)
    holder.start()
    holding.wait(10)
    try:
        # Session reminders on (delete their opt-out), the rest off (inserts).
        response = client.post(
            reverse("notifications:settings"), {Kind.SESSION_REMINDER.value: "on"}
        )
    finally:
        release.set()
        holder.join(20)

    assert response.status_code == 503
    assert list(
        Optout.objects.filter(person=person).values_list("kind", flat=True)
    ) == [Kind.SESSION_REMINDER]
