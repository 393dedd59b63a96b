import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.models import Cohort, Session
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.programmes.views.organiser import registration_window
from tillit.registrations.models import ExceptionRequest, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def client(client):
    """A client that reads the pages in English, whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def organiser(programme):
    return OrganiserFactory(organiser_of=programme.organiser)


@pytest.fixture
def other_organiser():
    return OrganiserFactory(organiser_of=ProgrammeFactory().organiser)


def cohort_data(**changes):
    data = {
        "name": "Hösten 2027",
        "starts_on": "2027-09-02",
        "ends_on": "2027-12-10",
        "capacity": "30",
        "waitlist_enabled": "on",
        "registration_opens_at": "2027-01-31T09:00",
        "registration_closes_at": "2027-08-15T23:59",
        "location": "Stockholm",
        "online_link": "",
    }
    data.update(changes)
    return data


def session_data(**changes):
    data = {
        "title": "Sammankomst 1: Styrning i komplexitet",
        "starts_at": "2027-09-02T09:00",
        "ends_at": "2027-09-02T12:00",
        "mode": "online",
        "location": "",
        "link": "https://meet.example.org/tillit",
    }
    data.update(changes)
    return data


def test_organiser_home_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("programmes:organiser-home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_organiser_home_is_not_found_for_a_participant(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("programmes:organiser-home"))

    assert response.status_code == 404


def test_organiser_home_lists_own_programmes_with_availability(
    client, organiser, programme, other_organiser
):
    cohort = CohortFactory(programme=programme, capacity=10)
    RegistrationFactory.create_batch(3, cohort=cohort)
    hidden = CohortFactory(programme__organiser=other_organiser.organiser_for.get())
    client.force_login(organiser)

    response = client.get(reverse("programmes:organiser-home"))

    assert response.status_code == 200
    assert programme.title in response.text
    assert "7 of 10 seats left" in response.text
    assert hidden.programme.title not in response.text


def test_organiser_home_counts_pending_exception_requests(client, organiser, programme):
    ExceptionRequest.objects.create(
        programme=programme, person=PersonFactory(), motivation="Jag leder en enhet."
    )
    client.force_login(organiser)

    response = client.get(reverse("programmes:organiser-home"))

    assert response.context["programmes"][0][0].pending_exceptions == 1


def _load_home(client, django_assert_num_queries, queries):
    with django_assert_num_queries(queries):
        response = client.get(reverse("programmes:organiser-home"))
    assert response.status_code == 200


def test_organiser_home_queries_do_not_grow_with_programmes_and_cohorts(
    client, organiser, programme, django_assert_num_queries
):
    CohortFactory(programme=programme)
    client.force_login(organiser)
    _load_home(client, django_assert_num_queries, 6)

    for _ in range(3):
        more = ProgrammeFactory(organiser=programme.organiser)
        RegistrationFactory.create_batch(2, cohort=CohortFactory(programme=more))
        CohortFactory(programme=more)

    _load_home(client, django_assert_num_queries, 6)


def test_programme_page_is_not_found_for_another_organiser(
    client, programme, other_organiser
):
    client.force_login(other_organiser)

    response = client.get(
        reverse("programmes:organiser-programme", args=[programme.pk])
    )

    assert response.status_code == 404


def test_programme_page_shows_cohorts_and_pending_exception_requests(
    client, organiser, programme
):
    CohortFactory(programme=programme, name="Våren 2027", capacity=2)
    exception_request = ExceptionRequest.objects.create(
        programme=programme,
        person=PersonFactory(first_name="Saga", last_name="Exempel"),
        motivation="Jag är strateg i kommunledningen.",
    )
    client.force_login(organiser)

    response = client.get(
        reverse("programmes:organiser-programme", args=[programme.pk])
    )

    assert "Våren 2027" in response.text
    assert "Saga Exempel" in response.text
    assert "Jag är strateg i kommunledningen." in response.text
    decide = reverse(
        "registrations:organiser-exception-decide", args=[exception_request.pk]
    )
    assert f'action="{decide}"' in response.text


def test_a_programme_without_mentoring_links_to_no_mentoring_page_that_is_404(
    client, organiser, programme
):
    client.force_login(organiser)

    response = client.get(
        reverse("programmes:organiser-programme", args=[programme.pk])
    )

    assert response.status_code == 200
    assert reverse("mentoring:organiser-programme", args=[programme.pk]) not in (
        response.text
    )


def test_programme_page_queries_do_not_grow_with_cohorts(
    client, organiser, programme, django_assert_num_queries
):
    CohortFactory(programme=programme)
    client.force_login(organiser)
    url = reverse("programmes:organiser-programme", args=[programme.pk])
    with django_assert_num_queries(6):
        client.get(url)

    for _ in range(4):
        RegistrationFactory(cohort=CohortFactory(programme=programme))
        ExceptionRequest.objects.create(
            programme=programme, person=PersonFactory(), motivation="Motivering."
        )

    with django_assert_num_queries(6):
        client.get(url)


def test_new_cohort_is_created_with_times_in_the_local_time_zone(
    client, organiser, programme
):
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[programme.pk]),
        cohort_data(),
    )

    cohort = Cohort.objects.get(programme=programme)
    assert response.status_code == 302
    assert response.url == reverse("registrations:organiser-cohort", args=[cohort.pk])
    assert cohort.registration_opens_at == dt.datetime(2027, 1, 31, 9, 0, tzinfo=LOCAL)
    assert cohort.capacity == 30
    assert cohort.waitlist_enabled is True


def test_cohort_form_shows_datetime_local_inputs(client, organiser, programme):
    client.force_login(organiser)

    response = client.get(
        reverse("programmes:organiser-cohort-create", args=[programme.pk])
    )

    assert 'type="datetime-local"' in response.text
    assert 'type="date"' in response.text


def test_new_cohort_ending_before_it_starts_shows_the_error_beside_the_field(
    client, organiser, programme
):
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[programme.pk]),
        cohort_data(ends_on="2027-08-01"),
    )

    assert response.status_code == 200
    assert not Cohort.objects.exists()
    assert 'id="id_ends_on_error"' in response.text
    assert "The cohort cannot end before it starts." in response.text
    assert 'aria-describedby="id_ends_on_error"' in response.text


def test_new_cohort_needs_at_least_one_seat(client, organiser, programme):
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[programme.pk]),
        cohort_data(capacity="0"),
    )

    assert not Cohort.objects.exists()
    assert response.context["form"].errors["capacity"]


def test_new_cohort_is_not_found_for_another_organiser(
    client, programme, other_organiser
):
    client.force_login(other_organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-create", args=[programme.pk]),
        cohort_data(),
    )

    assert response.status_code == 404
    assert not Cohort.objects.filter(programme=programme).exists()


def test_editing_a_cohort_shows_stored_times_in_local_time(
    client, organiser, programme
):
    cohort = CohortFactory(
        programme=programme,
        registration_opens_at=dt.datetime(2027, 1, 31, 8, 0, tzinfo=dt.UTC),
        registration_closes_at=dt.datetime(2027, 8, 1, 8, 0, tzinfo=dt.UTC),
    )
    client.force_login(organiser)

    response = client.get(reverse("programmes:organiser-cohort-edit", args=[cohort.pk]))

    assert 'value="2027-01-31T09:00"' in response.text


def test_editing_a_cohort_saves_it(client, organiser, programme):
    cohort = CohortFactory(programme=programme, capacity=10)
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-edit", args=[cohort.pk]),
        cohort_data(name="Våren 2028", capacity="12"),
    )

    cohort.refresh_from_db()
    assert response.status_code == 302
    assert cohort.name == "Våren 2028"
    assert cohort.capacity == 12


def test_lowering_capacity_below_confirmed_seats_shows_the_error_beside_capacity(
    client, organiser, programme
):
    cohort = CohortFactory(programme=programme, capacity=5, name="Omgång A")
    RegistrationFactory.create_batch(3, cohort=cohort)
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-edit", args=[cohort.pk]),
        cohort_data(name="Nytt namn", capacity="2"),
    )

    cohort.refresh_from_db()
    assert response.status_code == 200
    assert cohort.capacity == 5
    assert cohort.name == "Omgång A"
    assert response.context["form"].errors["capacity"] == [
        "3 seats of the cohort are taken; it cannot have fewer."
    ]
    assert 'id="id_capacity_error"' in response.text
    assert "<h1>Edit Omgång A</h1>" in response.text


def test_raising_capacity_gives_seats_to_the_waitlist(client, organiser, programme):
    cohort = CohortFactory(programme=programme, capacity=1)
    RegistrationFactory(cohort=cohort)
    waiting = RegistrationFactory(cohort=cohort, status=Registration.Status.WAITLISTED)
    client.force_login(organiser)

    client.post(
        reverse("programmes:organiser-cohort-edit", args=[cohort.pk]),
        cohort_data(capacity="2"),
    )

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_editing_a_cohort_is_not_found_for_another_organiser(
    client, programme, other_organiser
):
    cohort = CohortFactory(programme=programme, name="Omgång A")
    client.force_login(other_organiser)

    response = client.post(
        reverse("programmes:organiser-cohort-edit", args=[cohort.pk]),
        cohort_data(name="Kapad"),
    )

    cohort.refresh_from_db()
    assert response.status_code == 404
    assert cohort.name == "Omgång A"


def test_adding_a_session_saves_it_with_its_teachers(client, organiser, programme):
    teacher = PersonFactory()
    programme.teachers.add(teacher)
    cohort = CohortFactory(programme=programme)
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
        session_data(teachers=[teacher.pk]),
    )

    session = Session.objects.get(cohort=cohort)
    assert response.status_code == 302
    assert session.starts_at == dt.datetime(2027, 9, 2, 9, 0, tzinfo=LOCAL)
    assert list(session.teachers.all()) == [teacher]


def test_session_teachers_are_limited_to_the_programme_teachers(
    client, organiser, programme
):
    cohort = CohortFactory(programme=programme)
    stranger = PersonFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
        session_data(teachers=[stranger.pk]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["teachers"]
    assert not Session.objects.exists()


def test_session_ending_before_it_starts_shows_the_error_beside_the_field(
    client, organiser, programme
):
    cohort = CohortFactory(programme=programme)
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
        session_data(ends_at="2027-09-02T08:00"),
    )

    assert response.status_code == 200
    assert "The session must end after it starts." in response.text
    assert 'id="id_ends_at_error"' in response.text
    assert not Session.objects.exists()


def test_editing_a_session_saves_it(client, organiser, programme):
    session = SessionFactory(cohort=CohortFactory(programme=programme))
    client.force_login(organiser)

    response = client.post(
        reverse("programmes:organiser-session-edit", args=[session.pk]),
        session_data(title="Programdag 2", mode="on_site", location="Göteborg"),
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.title == "Programdag 2"
    assert session.location == "Göteborg"


def test_editing_a_session_is_not_found_for_another_organiser(
    client, programme, other_organiser
):
    session = SessionFactory(cohort=CohortFactory(programme=programme), title="Dag 1")
    client.force_login(other_organiser)

    response = client.post(
        reverse("programmes:organiser-session-edit", args=[session.pk]),
        session_data(title="Kapad"),
    )

    session.refresh_from_db()
    assert response.status_code == 404
    assert session.title == "Dag 1"


def test_adding_a_session_is_not_found_for_another_organiser(
    client, programme, other_organiser
):
    cohort = CohortFactory(programme=programme)
    client.force_login(other_organiser)

    response = client.get(
        reverse("programmes:organiser-session-create", args=[cohort.pk])
    )

    assert response.status_code == 404


def test_organiser_pages_redirect_anonymous_visitors_to_login(client, programme):
    cohort = CohortFactory(programme=programme)
    urls = [
        reverse("programmes:organiser-programme", args=[programme.pk]),
        reverse("programmes:organiser-cohort-create", args=[programme.pk]),
        reverse("programmes:organiser-cohort-edit", args=[cohort.pk]),
        reverse("programmes:organiser-session-create", args=[cohort.pk]),
    ]

    responses = [client.get(url) for url in urls]

    assert all(r.status_code == 302 for r in responses)
    assert all(r.url.startswith(reverse("login")) for r in responses)


def test_registration_window_in_words(programme):
    now = timezone.now()
    cohort = CohortFactory(
        programme=programme,
        registration_opens_at=now + dt.timedelta(days=1),
        registration_closes_at=now + dt.timedelta(days=2),
    )

    with translation.override("en"):
        words = [
            registration_window(cohort, now),
            registration_window(cohort, now + dt.timedelta(hours=30)),
            registration_window(cohort, now + dt.timedelta(days=3)),
        ]

    assert [w.split()[0] for w in words] == ["Opens", "Open", "Closed"]
