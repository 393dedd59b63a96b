"""Every refused API request lands in the security log with the key's
identity (never its secret), the client's address, the path and the reason;
a request that succeeds writes nothing there (issue 16)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.services import create_api_key, revoke_api_key
from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
MY_URL = reverse("api:my-registrations")
TOKEN_URL = reverse("api:token")


def key_for(person, name="Integration"):
    record, key = create_api_key(person, name=name, days=30)
    return record, key


def the_refusal():
    (event,) = SecurityEvent.objects.all()
    assert event.kind == Kind.ACCESS_REFUSED
    return event


def test_an_unknown_key_is_logged_with_its_start_only(api):
    key = "0123abcd" + "e" * 56
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(MY_URL)

    assert response.status_code == 401
    event = the_refusal()
    assert event.person is None
    assert event.ip_address == "127.0.0.1"
    assert event.detail == (f"401 GET {MY_URL} unknown_or_revoked_key (key 0123abcd)")
    assert "0123abcde" not in event.detail


def test_a_revoked_key_is_logged_without_its_secret(api):
    person = PersonFactory()
    record, key = key_for(person)
    revoke_api_key(person, record.digest)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(MY_URL)

    assert response.status_code == 401
    event = the_refusal()
    assert "unknown_or_revoked_key" in event.detail
    assert f"key {key[:8]}" in event.detail
    assert key[:9] not in event.detail


def test_a_key_not_in_our_format_is_logged_without_what_was_sent(api):
    api.credentials(HTTP_AUTHORIZATION="Token my-password-by-mistake")

    assert api.get(MY_URL).status_code == 401

    event = the_refusal()
    assert "my-passw" not in event.detail
    assert "key not in our format" in event.detail


def test_an_expired_key_is_logged_with_its_name_and_owner(api):
    person = PersonFactory()
    record, key = key_for(person, name="Lönesystemet")
    type(record).objects.filter(pk=record.pk).update(
        expiry=timezone.now() - dt.timedelta(minutes=1)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(MY_URL)

    assert response.status_code == 401
    event = the_refusal()
    assert event.person == person
    assert event.detail == (
        f"401 GET {MY_URL} expired_key (key {key[:8]} «Lönesystemet»)"
    )


def test_a_key_of_a_deactivated_person_is_logged_with_its_owner(api):
    person = PersonFactory()
    _record, key = key_for(person)
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api.get(MY_URL).status_code == 401

    event = the_refusal()
    assert event.person == person
    assert "inactive_person" in event.detail


def test_a_request_without_a_key_is_logged_as_not_authenticated(api):
    response = api.get(MY_URL)

    assert response.status_code == 401
    event = the_refusal()
    assert event.person is None
    assert event.detail == f"401 GET {MY_URL} not_authenticated"


def test_another_organisations_cohort_through_a_key_is_logged_once(api):
    organiser = OrganiserFactory(organiser_of=ProgrammeFactory().organiser)
    _record, key = key_for(organiser, name="Rapporter")
    cohort = CohortFactory()  # another organiser's
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:organiser-cohort-registrations", args=[cohort.pk])

    response = api.get(url)

    assert response.status_code == 404
    event = the_refusal()
    assert event.person == organiser
    assert event.detail == f"404 GET {url} not_found (key {key[:8]} «Rapporter»)"


def test_a_booking_for_another_organisation_through_a_key_is_logged_once(api):
    organisation = OrganisationFactory()
    outsider = PersonFactory(organisation=OrganisationFactory())
    outsider.organisation.employer_contacts.add(outsider)
    _record, key = key_for(outsider, name="HR-system")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:employer-bookings", args=[CohortFactory().pk])

    response = api.post(
        url,
        {"organisation": organisation.pk, "people": [PersonFactory().pk]},
        format="json",
    )

    assert response.status_code == 403
    event = the_refusal()
    assert event.person == outsider
    assert event.detail == f"403 POST {url} not_allowed (key {key[:8]} «HR-system»)"


def test_a_404_of_a_public_address_is_not_a_refusal(api):
    person = PersonFactory()
    _record, key = key_for(person)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(reverse("api:cohort-detail", args=[999_999]))

    assert response.status_code == 404
    assert not SecurityEvent.objects.exists()


def test_a_throttled_request_is_logged(api):
    person = PersonFactory()
    answers = []
    while 429 not in answers:
        assert len(answers) < 30, "the token address never throttled"
        answers.append(
            api.post(
                TOKEN_URL, {"email": person.email, "password": "wrong"}
            ).status_code
        )

    throttled = SecurityEvent.objects.filter(detail__contains=" throttled")
    assert [event.detail for event in throttled] == [f"429 POST {TOKEN_URL} throttled"]


def test_a_flood_of_refusals_of_nobody_known_writes_one_row_and_then_its_count(
    api, settings
):
    from django.core.cache import cache

    api.credentials(HTTP_AUTHORIZATION="Token " + "0123abcd" + "e" * 56)
    for _attempt in range(40):
        assert api.get(MY_URL).status_code == 401

    assert SecurityEvent.objects.count() == 1
    cache.delete("security-refusal:127.0.0.1:401:unknown_or_revoked_key")
    api.get(MY_URL)

    latest = SecurityEvent.objects.latest("pk")
    assert latest.detail.endswith("(+39 like it from this address not written)")
    assert SecurityEvent.objects.count() == 2


def test_refusals_of_a_known_owner_are_each_written(api):
    organiser = OrganiserFactory(organiser_of=ProgrammeFactory().organiser)
    _record, key = key_for(organiser)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:organiser-cohort-registrations", args=[CohortFactory().pk])

    for _attempt in range(3):
        assert api.get(url).status_code == 404

    assert SecurityEvent.objects.filter(person=organiser).count() == 3


def test_the_address_is_the_one_the_trusted_proxy_appended(api, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    api.get(MY_URL, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    assert the_refusal().ip_address == "203.0.113.7"


def test_without_trusted_proxies_a_forwarded_address_is_ignored(api):
    api.get(MY_URL, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="192.0.2.9")

    assert the_refusal().ip_address == "192.0.2.9"


def test_a_registration_through_a_key_writes_nothing_to_the_security_log(api):
    person = PersonFactory()
    _record, key = key_for(person)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.get(MY_URL)  # the key's "last used" is written once an hour, not now
    cohort = CohortFactory()

    with CaptureQueriesContext(connection) as queries:
        response = api.post(reverse("api:cohort-register", args=[cohort.pk]))

    assert response.status_code == 201
    assert not SecurityEvent.objects.exists()
    assert not [q for q in queries if "securityevent" in q["sql"].lower()]
