import datetime as dt
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tillit.accounts import services as accounts
from tillit.api.serializers import RegistrationSerializer
from tillit.core.tests.factories import PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    TargetRuleFactory,
)
from tillit.registrations.models import Registration
from tillit.registrations.selectors import with_waitlist_position
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
MY_URL = reverse("api:my-registrations")


def register_url(cohort):
    return reverse("api:cohort-register", args=[cohort.pk])


def cancel_url(registration):
    return reverse("api:registration-cancel", args=[registration.pk])


@pytest.fixture
def person():
    return PersonFactory()


@pytest.fixture
def signed_in(api, person):
    api.force_authenticate(person)
    return api


def test_register_gives_a_seat_and_201(signed_in, person):
    cohort = CohortFactory()

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 201
    registration = Registration.objects.get(person=person, cohort=cohort)
    body = response.json()
    assert body["id"] == registration.pk
    assert body["status"] == "confirmed"
    assert body["waitlist_position"] is None
    assert body["cohort"]["id"] == cohort.pk


def test_register_for_a_full_cohort_gives_a_waitlist_place(signed_in):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2


def test_register_without_signing_in_gives_401(api):
    cohort = CohortFactory()

    response = api.post(register_url(cohort))

    assert response.status_code == 401
    assert not Registration.objects.exists()


def test_register_twice_gives_409_already_registered(signed_in, person):
    cohort = CohortFactory()
    RegistrationFactory(cohort=cohort, person=person)

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 409
    assert response.json() == {
        "message": "You are already registered.",
        "code": "already_registered",
    }


def test_register_before_opening_gives_409_closed(signed_in):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=5),
    )

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_register_for_a_full_cohort_without_waitlist_gives_409_full(signed_in):
    cohort = CohortFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(cohort=cohort)

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 409
    assert response.json()["code"] == "cohort_full"


def test_register_outside_the_target_group_gives_403_with_reasons(signed_in):
    rule = TargetRuleFactory(sectors=["state"])
    cohort = CohortFactory(programme=rule.programme)

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_eligible"
    assert body["reasons"]
    assert body["message"] == " ".join(body["reasons"])
    assert not Registration.objects.exists()


def test_register_for_an_unknown_cohort_gives_404(signed_in):
    response = signed_in.post(reverse("api:cohort-register", args=[999999]))

    assert response.status_code == 404


def test_register_for_a_cohort_of_an_unpublished_programme_gives_404(signed_in):
    cohort = CohortFactory(programme=ProgrammeFactory(is_published=False))

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 404


def test_error_message_follows_accept_language(api):
    cohort = CohortFactory()

    english = api.post(register_url(cohort), headers={"accept-language": "en"})
    swedish = api.post(register_url(cohort), headers={"accept-language": "sv"})

    assert english.json()["message"] == "Authentication credentials were not provided."
    assert swedish.json()["message"] == "Autentiseringsuppgifter ej tillhandahållna."


def test_cancel_own_registration_gives_200_and_frees_the_seat(signed_in, person):
    cohort = CohortFactory(capacity=1)
    registration = RegistrationFactory(cohort=cohort, person=person)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    response = signed_in.post(cancel_url(registration))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_cancel_someone_elses_registration_gives_404(signed_in):
    registration = RegistrationFactory()

    response = signed_in.post(cancel_url(registration))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_cancel_twice_gives_400_with_a_message(signed_in, person):
    registration = RegistrationFactory(person=person, status=Status.CANCELLED)

    response = signed_in.post(cancel_url(registration))

    assert response.status_code == 400
    assert response.json() == {
        "message": "The registration is already cancelled.",
        "code": "registration_error",
    }


def test_cancel_without_signing_in_gives_401(api):
    registration = RegistrationFactory()

    response = api.post(cancel_url(registration))

    assert response.status_code == 401


def test_my_registrations_show_status_and_waitlist_position(signed_in, person):
    full = CohortFactory(capacity=1)
    RegistrationFactory(cohort=full)
    RegistrationFactory(cohort=full, status=Status.WAITLISTED)
    waiting = RegistrationFactory(cohort=full, person=person, status=Status.WAITLISTED)
    seat = RegistrationFactory(person=person)
    RegistrationFactory()  # someone else's

    response = signed_in.get(MY_URL)

    assert response.status_code == 200
    mine = {r["id"]: r for r in response.json()["results"]}
    assert set(mine) == {waiting.pk, seat.pk}
    assert mine[waiting.pk]["status"] == "waitlisted"
    assert mine[waiting.pk]["waitlist_position"] == 2
    assert mine[seat.pk]["status"] == "confirmed"
    assert mine[seat.pk]["waitlist_position"] is None


def test_my_registrations_filter_by_status(signed_in, person):
    RegistrationFactory(person=person, status=Status.CANCELLED)
    seat = RegistrationFactory(person=person)

    response = signed_in.get(MY_URL, {"status": "confirmed"})

    assert [r["id"] for r in response.json()["results"]] == [seat.pk]


def test_my_registrations_reject_an_unknown_status(signed_in):
    response = signed_in.get(MY_URL, {"status": "maybe"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_my_registrations_take_the_same_queries_however_many(
    signed_in, person, django_assert_num_queries
):
    def add_two():
        RegistrationFactory(person=person)
        RegistrationFactory(person=person, status=Status.WAITLISTED)

    add_two()
    signed_in.get(MY_URL)
    add_two()
    add_two()

    with django_assert_num_queries(2):  # count, then the page
        response = signed_in.get(MY_URL)

    assert response.json()["count"] == 6


# The registration rush (issue 18): what one registration costs. The test's own
# transaction turns the service's BEGIN and COMMIT into SAVEPOINT and RELEASE,
# which the count sees; on PostgreSQL the person's row is locked as well (SQLite's
# IMMEDIATE transaction holds the whole database instead).
TEST_SAVEPOINTS = 2


def _register_statements():
    # token, cohort with its lock, [person's lock], places, free seats, 2 inserts
    return 7 if connection.vendor == "postgresql" else 6


@pytest.mark.parametrize("full", [False, True], ids=["seat", "waitlist"])
def test_registering_with_an_api_key_takes_at_most_eight_queries(
    api, person, full, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    if full:
        RegistrationFactory(cohort=cohort)
        RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    _record, key = accounts.create_api_key(person, name="rush", days=1)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # A key's first use in an hour also records when it was used (one update).
    api.get(MY_URL)
    assert _register_statements() <= 8

    with (
        django_capture_on_commit_callbacks(execute=True) as mail,
        django_assert_num_queries(_register_statements() + TEST_SAVEPOINTS),
    ):
        response = api.post(register_url(cohort))

    assert response.status_code == 201
    registration = Registration.objects.get(person=person, cohort=cohort)
    expected = RegistrationSerializer(
        with_waitlist_position(
            Registration.objects.select_related("cohort__programme")
        ).get(pk=registration.pk)
    ).data
    assert response.json() == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
    assert response.json()["waitlist_position"] == (2 if full else None)
    assert [e.action for e in registration.events.all()] == [
        "waitlisted" if full else "registered"
    ]
    assert mail  # the receipt is recorded in the outbox after commit
    assert Notification.objects.filter(person=person).count() == 1


def test_registering_for_a_cohort_one_may_not_see_gives_404(signed_in):
    cohort = CohortFactory(programme__is_published=False)

    response = signed_in.post(register_url(cohort))

    assert response.status_code == 404
    assert not Registration.objects.exists()
