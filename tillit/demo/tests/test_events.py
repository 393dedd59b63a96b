import pytest
from django.utils import timezone

from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.events import load_demo
from tillit.events import selectors
from tillit.events.models import Event

pytestmark = pytest.mark.django_db


def test_demo_has_a_past_day_with_material_upcoming_events_and_loads_once():
    today = timezone.localdate()
    load_core_demo(today)

    created = load_demo(today)
    again = load_demo(today)

    assert created["events"] == 4
    assert again == {}
    past = list(selectors.past_events())
    assert [e.title for e in past] == ["Dagen för offentligt ledarskap 2022"]
    assert past[0].recording_url and past[0].publication_url
    upcoming = list(selectors.upcoming_events())
    assert len(upcoming) == 3
    day = Event.objects.get(format=Event.Format.HYBRID)
    assert day.invitations.exists()
    assert day.cohort.registrations.confirmed().count() >= 2
    assert day.talks.count() == 5
