import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.notifications import services as notifications
from tillit.programmes import services
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HELSINKI = ZoneInfo("Europe/Helsinki")


def _session(cohort, start, **kwargs):
    return SessionFactory(
        cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=3), **kwargs
    )


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.getvalue())  # streamed or not


def _feed(client, person):
    token = notifications.calendar_feed(person).token
    return _parse(client.get(f"/calendar/{token}.ics"))


def test_the_cohort_file_has_every_session_with_a_stable_uid(client, settings):
    settings.SITE_URL = "https://tillit.example.org"
    cohort = CohortFactory()
    first = _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))
    second = _session(cohort, dt.datetime(2027, 4, 21, 9, tzinfo=STOCKHOLM))
    _session(CohortFactory(), dt.datetime(2027, 4, 8, 9, tzinfo=STOCKHOLM))

    calendar = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics"))

    assert [e.uid for e in calendar.events] == [
        f"session-{first.pk}@tillit.example.org",
        f"session-{second.pk}@tillit.example.org",
    ]


def test_times_carry_the_stockholm_zone_and_equal_the_stored_utc_time(client):
    cohort = CohortFactory()
    start = dt.datetime(2027, 4, 7, 9, 0, tzinfo=STOCKHOLM)
    _session(cohort, start, location="Drottninggatan 89, Stockholm")

    calendar = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics"))

    (event,) = calendar.events
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.start.astimezone(dt.UTC) == dt.datetime(2027, 4, 7, 7, tzinfo=dt.UTC)
    assert event.end - event.start == dt.timedelta(hours=3)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Stockholm"]
    assert event["LOCATION"] == "Drottninggatan 89, Stockholm"


def test_a_finnish_organisers_sessions_are_in_helsinki_time(client):
    programme = ProgrammeFactory(
        organiser=OrganisationFactory(country="FI", name="Valtiokonttori")
    )
    cohort = CohortFactory(programme=programme)
    _session(cohort, dt.datetime(2027, 11, 3, 10, tzinfo=HELSINKI))

    calendar = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics"))

    (event,) = calendar.events
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event.start.astimezone(dt.UTC) == dt.datetime(2027, 11, 3, 8, tzinfo=dt.UTC)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Helsinki"]


def test_moving_a_session_keeps_its_uid_and_raises_its_sequence(client):
    cohort = CohortFactory()
    session = _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))
    before = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics")).events[0]

    services.update_session(
        session,
        actor=None,
        starts_at=dt.datetime(2027, 4, 8, 13, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2027, 4, 8, 16, tzinfo=STOCKHOLM),
    )
    after = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics")).events[0]

    assert after.uid == before.uid
    assert (before.sequence, after.sequence) == (0, 1)
    assert after.start == dt.datetime(2027, 4, 8, 13, tzinfo=STOCKHOLM)
    assert after.last_modified >= before.last_modified


@pytest.mark.parametrize("column", ["location_fi", "location_sv", "location_en"])
def test_a_place_changed_in_one_language_moves_the_session(client, column):
    cohort = CohortFactory()
    session = _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))

    services.update_session(session, actor=None, **{column: "Snellmaninkatu 1"})
    after = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics")).events[0]

    assert after.sequence == 1


def test_an_online_session_gives_its_link_as_place_and_url(client):
    cohort = CohortFactory()
    _session(
        cohort,
        dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM),
        mode="online",
        link="https://meet.example.org/esv-1",
    )

    event = _parse(client.get(f"/cohorts/{cohort.pk}/calendar.ics")).events[0]

    assert event["LOCATION"] == "https://meet.example.org/esv-1"
    assert event["URL"] == "https://meet.example.org/esv-1"
    assert cohort.programme.title in event["DESCRIPTION"]
    assert event["DTSTAMP"] is not None


def test_an_unpublished_programmes_cohort_file_is_not_found(client):
    cohort = CohortFactory(programme=ProgrammeFactory(is_published=False))

    assert client.get(f"/cohorts/{cohort.pk}/calendar.ics").status_code == 404


def test_the_feed_lists_sessions_of_confirmed_cohorts_and_taught_sessions(client):
    person = PersonFactory()
    attending = CohortFactory()
    waiting = CohortFactory()
    RegistrationFactory(
        person=person, cohort=attending, status=Registration.Status.CONFIRMED
    )
    RegistrationFactory(
        person=person, cohort=waiting, status=Registration.Status.WAITLISTED
    )
    mine = _session(attending, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))
    _session(waiting, dt.datetime(2027, 4, 8, 9, tzinfo=STOCKHOLM))
    taught = _session(CohortFactory(), dt.datetime(2027, 4, 9, 9, tzinfo=STOCKHOLM))
    taught.teachers.add(person)
    programme = ProgrammeFactory()
    programme.teachers.add(person)
    programme_session = _session(
        CohortFactory(programme=programme), dt.datetime(2027, 5, 9, 9, tzinfo=STOCKHOLM)
    )

    calendar = _feed(client, person)

    assert {e.uid.split("@")[0] for e in calendar.events} == {
        f"session-{mine.pk}",
        f"session-{taught.pk}",
        f"session-{programme_session.pk}",
    }


def test_the_feed_tells_clients_to_refresh_hourly(client):
    calendar = _feed(client, PersonFactory())

    assert calendar.refresh_interval == dt.timedelta(hours=1)
    assert calendar.events == []


def test_a_wrong_feed_token_is_not_found(client):
    notifications.calendar_feed(PersonFactory())

    assert client.get("/calendar/not-the-token.ics").status_code == 404


def test_an_inactive_persons_feed_is_not_found(client):
    person = PersonFactory(is_active=False)
    token = notifications.calendar_feed(person).token

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_feed_includes_what_to_prepare(client):
    learning = pytest.importorskip("tillit.learning.models")
    person = PersonFactory()
    cohort = CohortFactory()
    RegistrationFactory(person=person, cohort=cohort, status="confirmed")
    session = _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))
    learning.Preparation.objects.create(session=session, text="Läs kapitel 3.")

    event = _feed(client, person).events[0]

    assert "Läs kapitel 3." in event["DESCRIPTION"]


def test_the_feed_is_built_with_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    person = PersonFactory()
    token = notifications.calendar_feed(person).token
    for _ in range(5):
        cohort = CohortFactory()
        RegistrationFactory(person=person, cohort=cohort, status="confirmed")
        _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM)).teachers.add(
            PersonFactory()
        )

    with django_assert_max_num_queries(6):
        client.get(f"/calendar/{token}.ics")


def test_the_cohort_page_links_to_its_calendar_file(client):
    cohort = CohortFactory()
    _session(cohort, dt.datetime(2027, 4, 7, 9, tzinfo=STOCKHOLM))

    response = client.get(cohort.get_absolute_url())

    assert f'href="/cohorts/{cohort.pk}/calendar.ics"' in response.text
