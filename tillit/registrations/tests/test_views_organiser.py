import pytest
from django.conf import settings
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.models import CohortMessage, ExceptionRequest, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
CONFIRMED = {"confirmed": "yes"}

Status = Registration.Status


@pytest.fixture
def client(client):
    """A client that reads the pages in English, whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def cohort():
    return CohortFactory(name="Våren 2027", capacity=2)


@pytest.fixture
def organiser(cohort):
    return OrganiserFactory(organiser_of=cohort.programme.organiser)


@pytest.fixture
def other_organiser():
    return OrganiserFactory(organiser_of=ProgrammeFactory().organiser)


def cohort_url(cohort):
    return reverse("registrations:organiser-cohort", args=[cohort.pk])


def move_data(registration, to_cohort):
    return {f"move-{registration.pk}-to_cohort": to_cohort.pk}


def test_cohort_page_redirects_anonymous_visitors_to_login(client, cohort):
    response = client.get(cohort_url(cohort))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_cohort_page_is_not_found_for_another_organiser(
    client, cohort, other_organiser
):
    client.force_login(other_organiser)

    response = client.get(cohort_url(cohort))

    assert response.status_code == 404


def test_cohort_page_is_not_found_for_a_participant(client, cohort):
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(registration.person)

    response = client.get(cohort_url(cohort))

    assert response.status_code == 404


def test_cohort_page_lists_seats_and_the_waitlist_in_order(client, cohort, organiser):
    RegistrationFactory(cohort=cohort, person__first_name="Alva")
    first = RegistrationFactory(
        cohort=cohort, status=Status.WAITLISTED, person__first_name="Bo"
    )
    second = RegistrationFactory(
        cohort=cohort, status=Status.WAITLISTED, person__first_name="Cecilia"
    )
    client.force_login(organiser)

    response = client.get(cohort_url(cohort))

    assert response.status_code == 200
    assert [r.person.first_name for r in response.context["confirmed"]] == ["Alva"]
    assert response.context["waitlist"] == [(1, first), (2, second)]
    assert first.person.email in response.text


def test_cohort_page_shows_the_audit_trail(client, cohort, organiser):
    registration = RegistrationFactory(cohort=cohort, person__first_name="Dagny")
    client.force_login(organiser)
    client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
    )

    response = client.get(cohort_url(cohort))

    event = response.context["events"][0]
    assert event.action == "cancelled"
    assert event.actor == organiser
    assert "Cancelled" in response.text


def sent_message(cohort, organiser, key="first"):
    return CohortMessage.objects.create(
        cohort=cohort,
        sender=organiser,
        audience=CohortMessage.Audience.CONFIRMED,
        subject="Inför första träffen",
        body="Välkomna!",
        recipients_count=2,
        key=key,
    )


def _load_cohort_page(client, cohort, django_assert_num_queries):
    # A page of each list (confirmed, held or offered, waitlist, organisations),
    # counted from the cohort's seat counts; the same however many people; and a
    # page of sent messages (counted, then read).
    with django_assert_num_queries(17):
        response = client.get(cohort_url(cohort))
    assert response.status_code == 200


def test_cohort_page_queries_do_not_grow_with_registrations(
    client, cohort, organiser, django_assert_num_queries
):
    CohortFactory(programme=cohort.programme)
    RegistrationFactory(cohort=cohort)
    # An empty list reads no page: start with someone on the waitlist too.
    RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    SessionFactory(cohort=cohort).teachers.add(PersonFactory())
    sent_message(cohort, organiser)
    client.force_login(organiser)
    _load_cohort_page(client, cohort, django_assert_num_queries)

    RegistrationFactory(cohort=cohort)
    RegistrationFactory.create_batch(4, cohort=cohort, status=Status.WAITLISTED)
    CohortFactory.create_batch(3, programme=cohort.programme)
    for session in SessionFactory.create_batch(3, cohort=cohort):
        session.teachers.add(PersonFactory())
    for n in range(3):
        sent_message(cohort, organiser, key=f"more-{n}")

    _load_cohort_page(client, cohort, django_assert_num_queries)


def test_cancelling_through_the_page_promotes_the_first_waiting(
    client, cohort, organiser
):
    registration = RegistrationFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
    )

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert response.status_code == 302
    assert response.url == cohort_url(cohort)
    assert registration.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED


def test_cancelling_with_htmx_answers_with_the_registrations_partial(
    client, cohort, organiser
):
    registration = RegistrationFactory(cohort=cohort, person__first_name="Edvin")
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="registrations"' in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "was cancelled" in response.text
    assert response.context["events"][0].action == "cancelled"


def test_cancelling_twice_shows_a_message_instead_of_an_error(
    client, cohort, organiser
):
    registration = RegistrationFactory(cohort=cohort, status=Status.CANCELLED)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
        follow=True,
    )

    assert response.status_code == 200
    assert "The registration is already cancelled." in response.text


def test_cancelling_is_not_found_for_another_organiser(client, cohort, other_organiser):
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(other_organiser)

    response = client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
    )

    registration.refresh_from_db()
    assert response.status_code == 404
    assert registration.status == Status.CONFIRMED


def test_cancelling_asks_first_with_the_waitlist_count(client, cohort, organiser):
    registration = RegistrationFactory(cohort=cohort, person__first_name="Greta")
    RegistrationFactory.create_batch(3, cohort=cohort, status=Status.WAITLISTED)
    client.force_login(organiser)
    url = reverse("registrations:organiser-registration-cancel", args=[registration.pk])

    page = client.get(url)
    unconfirmed = client.post(url)

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    for response in (page, unconfirmed):
        assert response.status_code == 200
        assert "the first of the 3 people waiting" in response.text
        assert 'name="confirmed" value="yes"' in response.text


def test_moving_through_the_page_gives_a_seat_in_the_other_cohort(
    client, cohort, organiser
):
    target = CohortFactory(programme=cohort.programme, capacity=5)
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-move", args=[registration.pk]),
        move_data(registration, target) | CONFIRMED,
        follow=True,
    )

    registration.refresh_from_db()
    moved = target.registrations.get(person=registration.person)
    assert registration.status == Status.CANCELLED
    assert moved.status == Status.CONFIRMED
    assert "has a seat there" in response.text


def test_moving_to_a_full_cohort_shows_the_reason_and_changes_nothing(
    client, cohort, organiser
):
    target = CohortFactory(programme=cohort.programme, capacity=1)
    RegistrationFactory(cohort=target)
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-move", args=[registration.pk]),
        move_data(registration, target) | CONFIRMED,
        follow=True,
    )

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert "The cohort you are moving to is fully booked." in response.text


def test_moving_to_a_cohort_of_another_programme_is_refused(client, cohort, organiser):
    elsewhere = CohortFactory(programme__organiser=cohort.programme.organiser)
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-move", args=[registration.pk]),
        move_data(registration, elsewhere) | CONFIRMED,
        follow=True,
    )

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert not elsewhere.registrations.exists()
    assert (
        "Choose another cohort of this programme that has not ended." in response.text
    )


def test_moving_with_htmx_answers_with_the_registrations_partial(
    client, cohort, organiser
):
    target = CohortFactory(programme=cohort.programme)
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(organiser)

    response = client.post(
        reverse("registrations:organiser-registration-move", args=[registration.pk]),
        move_data(registration, target) | CONFIRMED,
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="registrations"' in response.text


def test_moving_is_not_found_for_another_organiser(client, cohort, other_organiser):
    target = CohortFactory(programme=cohort.programme)
    registration = RegistrationFactory(cohort=cohort)
    client.force_login(other_organiser)

    response = client.post(
        reverse("registrations:organiser-registration-move", args=[registration.pk]),
        move_data(registration, target) | CONFIRMED,
    )

    assert response.status_code == 404
    assert not target.registrations.exists()


def test_row_actions_redirect_anonymous_visitors_to_login(client, cohort):
    registration = RegistrationFactory(cohort=cohort)

    response = client.post(
        reverse("registrations:organiser-registration-cancel", args=[registration.pk]),
        CONFIRMED,
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert registration.status == Status.CONFIRMED


@pytest.fixture
def exception_request(cohort):
    return ExceptionRequest.objects.create(
        programme=cohort.programme,
        person=PersonFactory(),
        motivation="Jag är strateg och leder utvecklingsarbete.",
    )


def decide_url(exception_request):
    return reverse(
        "registrations:organiser-exception-decide", args=[exception_request.pk]
    )


def test_granting_an_exception_tells_the_applicant(
    client,
    organiser,
    exception_request,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(organiser)
    prefix = f"exception-{exception_request.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(exception_request),
            {f"{prefix}-decision": "grant", f"{prefix}-note": "Välkommen!"},
        )

    exception_request.refresh_from_db()
    assert response.status_code == 302
    assert exception_request.status == ExceptionRequest.Status.GRANTED
    assert exception_request.decided_by == organiser
    assert exception_request.decision_note == "Välkommen!"
    assert [m.to for m in mailoutbox] == [[exception_request.person.email]]


def test_refusing_an_exception(client, organiser, exception_request):
    client.force_login(organiser)
    prefix = f"exception-{exception_request.pk}"

    client.post(decide_url(exception_request), {f"{prefix}-decision": "refuse"})

    exception_request.refresh_from_db()
    assert exception_request.status == ExceptionRequest.Status.REFUSED


def test_deciding_without_a_decision_changes_nothing(
    client, organiser, exception_request
):
    client.force_login(organiser)

    response = client.post(decide_url(exception_request), {}, follow=True)

    exception_request.refresh_from_db()
    assert exception_request.status == ExceptionRequest.Status.PENDING
    assert "Choose whether to grant or refuse the request." in response.text


def test_deciding_an_exception_is_not_found_for_another_organiser(
    client, other_organiser, exception_request
):
    client.force_login(other_organiser)
    prefix = f"exception-{exception_request.pk}"

    response = client.post(
        decide_url(exception_request), {f"{prefix}-decision": "grant"}
    )

    exception_request.refresh_from_db()
    assert response.status_code == 404
    assert exception_request.status == ExceptionRequest.Status.PENDING


def test_export_is_not_found_for_another_organiser(client, cohort, other_organiser):
    client.force_login(other_organiser)
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, "csv"])

    response = client.get(url)

    assert response.status_code == 404


def test_export_redirects_anonymous_visitors_to_login(client, cohort):
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, "xlsx"])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_export_downloads_a_file_named_after_programme_and_cohort(
    client, cohort, organiser, fmt, content_type
):
    client.force_login(organiser)
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, fmt])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{cohort.programme.slug}-varen-2027.{fmt}"'
    )


def test_export_in_an_unknown_format_is_not_found(client, cohort, organiser):
    client.force_login(organiser)

    response = client.get(f"/organiser/cohorts/{cohort.pk}/export.pdf")

    assert response.status_code == 404
