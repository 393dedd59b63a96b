import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tillit.core.models import Sector
from tillit.core.tests.factories import PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import CohortFactory, TargetRuleFactory
from tillit.registrations import services
from tillit.registrations.models import ExceptionRequest, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
CONFIRMED = {"confirmed": "yes"}

Status = Registration.Status
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the msgids."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password for every person; the slow default hasher
    would make up most of these tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logged_in(client, person=None):
    person = person or PersonFactory()
    client.force_login(person)
    return person


def register_url(cohort):
    return reverse("registrations:cohort-register", args=[cohort.pk])


def cancel_url(registration):
    return reverse("registrations:registration-cancel", args=[registration.pk])


# Register


def test_register_gives_a_seat_and_returns_to_the_cohort_page(client):
    cohort = CohortFactory()
    person = logged_in(client)

    response = client.post(register_url(cohort), follow=True)

    registration = Registration.objects.get(person=person, cohort=cohort)
    assert registration.status == Status.CONFIRMED
    assert response.redirect_chain == [(cohort.get_absolute_url(), 302)]
    assert "You are registered and have a seat." in response.text
    assert "You have a seat in this cohort." in response.text


def test_register_with_htmx_returns_the_signup_partial(client):
    cohort = CohortFactory()
    logged_in(client)

    response = client.post(register_url(cohort), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="signup"' in response.text
    assert "You have a seat in this cohort." in response.text
    assert "Cancel registration" in response.text


def test_register_in_a_full_cohort_joins_the_waitlist(client):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    person = logged_in(client)

    response = client.post(register_url(cohort), headers=HTMX)

    assert Registration.objects.get(person=person).status == Status.WAITLISTED
    assert "You are number 1 on the waitlist." in response.text


def test_register_when_closed_shows_the_reason_and_writes_nothing(client):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=9),
    )
    logged_in(client)

    response = client.post(register_url(cohort), headers=HTMX)

    assert response.status_code == 200
    assert "Registration for this cohort is not open." in response.text
    assert 'role="alert"' in response.text
    assert not Registration.objects.exists()


def test_register_twice_says_already_registered(client):
    cohort = CohortFactory()
    RegistrationFactory(cohort=cohort, person=logged_in(client))

    response = client.post(register_url(cohort), follow=True)

    assert "You are already registered." in response.text
    assert Registration.objects.count() == 1


def test_register_when_the_lock_times_out_asks_to_try_again(client, monkeypatch):
    def busy(*args, **kwargs):
        raise services.TryAgain(
            "Many people are registering right now. Please try again."
        )

    monkeypatch.setattr(services, "register", busy)
    cohort = CohortFactory()
    logged_in(client)

    response = client.post(register_url(cohort), headers=HTMX)

    assert response.status_code == 200
    assert "Many people are registering right now. Please try again." in response.text


def test_register_when_ineligible_shows_the_reasons(client):
    cohort = CohortFactory()
    TargetRuleFactory(programme=cohort.programme, sectors=[Sector.STATE])
    logged_in(client)

    response = client.post(register_url(cohort), headers=HTMX)

    assert "The programme is for the State sector" in response.text
    assert not Registration.objects.exists()


def test_register_asks_an_anonymous_visitor_to_log_in(client):
    cohort = CohortFactory()

    plain = client.post(register_url(cohort))
    htmx = client.post(register_url(cohort), headers=HTMX)

    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("login"))
    assert htmx["HX-Redirect"].startswith(reverse("login"))
    assert not Registration.objects.exists()


def test_register_only_accepts_post(client):
    logged_in(client)

    response = client.get(register_url(CohortFactory()))

    assert response.status_code == 405


# Cancel


def test_cancel_frees_the_seat_for_the_first_waiting(client):
    cohort = CohortFactory(capacity=1)
    mine = RegistrationFactory(cohort=cohort, person=logged_in(client))
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    response = client.post(cancel_url(mine), CONFIRMED, headers=HTMX)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert "Your registration is cancelled." in response.text
    assert ">Register</button>" not in response.text  # the seat is taken again


def test_cancel_from_my_programmes_returns_there(client):
    mine = RegistrationFactory(person=logged_in(client))

    response = client.post(cancel_url(mine), {"next": "my-programmes"} | CONFIRMED)

    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:my-programmes")


def test_cancel_someone_elses_registration_is_not_found(client):
    theirs = RegistrationFactory()
    logged_in(client)

    response = client.post(cancel_url(theirs), CONFIRMED)

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.status == Status.CONFIRMED


def test_cancel_twice_explains_instead_of_failing(client):
    mine = RegistrationFactory(person=logged_in(client), status=Status.CANCELLED)

    response = client.post(cancel_url(mine), CONFIRMED, headers=HTMX)

    assert response.status_code == 200
    assert "The registration is already cancelled." in response.text


# Exception requests


def exception_url(programme):
    return reverse("registrations:exception-request", args=[programme.slug])


def test_exception_request_page_shows_reasons_and_a_labelled_form(client):
    rule = TargetRuleFactory(sectors=[Sector.STATE])
    logged_in(client)

    response = client.get(exception_url(rule.programme))

    assert response.status_code == 200
    assert "The programme is for the State sector" in response.text
    assert '<label for="id_motivation">' in response.text


def test_exception_request_is_sent_and_shown_as_pending(client):
    rule = TargetRuleFactory(sectors=[Sector.STATE])
    person = logged_in(client)

    response = client.post(
        exception_url(rule.programme), {"motivation": "Jag leder en statlig enhet."}
    )
    page = client.get(response["Location"])

    request = ExceptionRequest.objects.get(person=person)
    assert request.status == ExceptionRequest.Status.PENDING
    assert "Waiting for the organiser's decision" in page.text
    assert "Your request has been sent." in page.text
    assert "Send request" not in page.text


def test_exception_request_without_motivation_shows_the_error_by_the_field(client):
    rule = TargetRuleFactory(sectors=[Sector.STATE])
    logged_in(client)

    response = client.post(exception_url(rule.programme), {"motivation": ""})

    assert response.status_code == 200
    assert 'aria-describedby="id_motivation_helptext id_motivation_error"' in (
        response.text
    )
    assert not ExceptionRequest.objects.exists()


def test_exception_request_page_shows_a_refusal_and_allows_asking_again(client):
    rule = TargetRuleFactory(sectors=[Sector.STATE])
    person = logged_in(client)
    ExceptionRequest.objects.create(
        programme=rule.programme,
        person=person,
        motivation="Snälla",
        status=ExceptionRequest.Status.REFUSED,
        decision_note="Programmet är bara för statliga chefer.",
    )

    response = client.get(exception_url(rule.programme))

    assert "Programmet är bara för statliga chefer." in response.text
    assert "Send request" in response.text


def test_exception_request_is_not_needed_inside_the_target_group(client):
    rule = TargetRuleFactory(sectors=[Sector.MUNICIPAL])
    logged_in(client)

    response = client.post(exception_url(rule.programme), {"motivation": "Hej"})

    assert response.status_code == 200
    assert "you do not need an exception" in response.text
    assert not ExceptionRequest.objects.exists()


def test_exception_request_requires_login(client):
    rule = TargetRuleFactory()

    response = client.get(exception_url(rule.programme))

    assert response.status_code == 302


# The registration rush (issue 18): what one click on "Anmäl dig" costs. The
# test's transaction turns the service's BEGIN and COMMIT into SAVEPOINT and
# RELEASE, which the count sees; on PostgreSQL the person's row is locked as
# well (SQLite's IMMEDIATE transaction holds the whole database instead).
TEST_SAVEPOINTS = 2


def _form_statements():
    # session, person, cohort with its lock, [person's lock], places, free
    # seats, 2 inserts
    return 8 if connection.vendor == "postgresql" else 7


@pytest.mark.parametrize("full", [False, True], ids=["seat", "waitlist"])
def test_registering_through_the_form_takes_at_most_eight_queries(
    client, full, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    if full:
        RegistrationFactory(cohort=cohort)
        RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    person = logged_in(client)
    assert _form_statements() <= 8

    with (
        django_capture_on_commit_callbacks(execute=True) as mail,
        django_assert_num_queries(_form_statements() + TEST_SAVEPOINTS),
    ):
        response = client.post(
            reverse("registrations:cohort-register", args=[cohort.pk])
        )

    assert response.status_code == 302
    assert response.url == cohort.get_absolute_url()
    registration = Registration.objects.get(person=person, cohort=cohort)
    assert [e.action for e in registration.events.all()] == [
        "waitlisted" if full else "registered"
    ]
    assert mail  # the receipt is recorded in the outbox after commit
    assert Notification.objects.filter(person=person).count() == 1
    page = client.get(response.url)
    notice = (
        "you are on the waitlist as number 2"
        if full
        else "You are registered and have a seat."
    )
    assert notice in page.content.decode()


def test_the_form_answers_404_for_a_cohort_one_may_not_see(client):
    logged_in(client)
    cohort = CohortFactory(programme__is_published=False)

    response = client.post(reverse("registrations:cohort-register", args=[cohort.pk]))

    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_the_cohort_page_of_an_internal_programme_is_shown_to_its_own_people_only(
    client,
):
    cohort = CohortFactory(programme__is_internal=True)
    organiser = cohort.programme.organiser
    staff = PersonFactory()
    organiser.staff.add(staff)

    assert client.get(cohort.get_absolute_url()).status_code == 404
    logged_in(client)
    assert client.get(cohort.get_absolute_url()).status_code == 404
    logged_in(client, PersonFactory(organisation=organiser))
    assert client.get(cohort.get_absolute_url()).status_code == 200
    logged_in(client, staff)
    assert client.get(cohort.get_absolute_url()).status_code == 200


def test_the_cohort_page_of_an_unpublished_programme_is_not_found(client):
    cohort = CohortFactory(programme__is_published=False)
    logged_in(client, PersonFactory(organisation=cohort.programme.organiser))

    assert client.get(cohort.get_absolute_url()).status_code == 404
