import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from tillit.core.models import Organisation
from tillit.networks import services
from tillit.notifications import services as notifications

from .factories import ChairFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_network_file_parses_back_with_every_meeting(client):
    member = MembershipFactory(network__owner__country=Organisation.Country.FINLAND)
    start = dt.datetime(2027, 3, 10, 8, 0, tzinfo=HELSINKI)
    meeting = MeetingFactory(
        network=member.network,
        title="Morgonträff",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        online_url="https://meet.example.org/hr",
    )
    MeetingFactory(network=member.network, title="Årligt seminarium")
    client.force_login(member.person)

    calendar = _parse(
        client.get(reverse("networks:network-ics", args=[member.network.slug]))
    )

    events = {str(e["SUMMARY"]): e for e in calendar.events}
    event = events[f"Morgonträff – {member.network.name}"]
    assert len(events) == 2
    assert str(event["UID"]) == f"network-meeting-{meeting.pk}@tillit.example.org"
    assert event.start == start
    assert event.start.tzinfo.key == "Europe/Helsinki"
    assert str(event["LOCATION"]) == meeting.place
    assert str(event["URL"]) == "https://meet.example.org/hr"
    assert calendar.timezones[0].tz_name == "Europe/Helsinki"


def test_a_changed_meeting_keeps_its_uid_and_raises_its_sequence(client):
    chair = ChairFactory()
    meeting = MeetingFactory(network=chair.network)
    services.update_meeting(meeting, actor=chair.person, title="Ny tid")
    client.force_login(chair.person)

    calendar = _parse(
        client.get(reverse("networks:network-ics", args=[chair.network.slug]))
    )

    [event] = calendar.events
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]).startswith(f"network-meeting-{meeting.pk}@")


def test_an_empty_network_calendar_is_still_a_valid_file(client):
    member = MembershipFactory()
    client.force_login(member.person)

    calendar = _parse(
        client.get(reverse("networks:network-ics", args=[member.network.slug]))
    )

    assert calendar.events == []


def test_the_personal_feed_includes_the_meetings_of_ones_networks(client):
    member = MembershipFactory()
    meeting = MeetingFactory(network=member.network)
    left = MembershipFactory(person=member.person, status="left")
    MeetingFactory(network=left.network, title="Hemlig träff")
    token = notifications.calendar_feed(member.person).token

    calendar = _parse(client.get(f"/calendar/{token}.ics"))

    uids = [str(e["UID"]) for e in calendar.events]
    assert uids == [f"network-meeting-{meeting.pk}@tillit.example.org"]


def test_network_meetings_add_one_query_to_the_personal_feed(
    client, django_assert_max_num_queries
):
    person = MembershipFactory().person
    for _ in range(4):
        MeetingFactory(network=MembershipFactory(person=person).network)
    token = notifications.calendar_feed(person).token

    with django_assert_max_num_queries(7):
        response = client.get(f"/calendar/{token}.ics")

    assert len(icalendar.Calendar.from_ical(response.content).events) == 4
