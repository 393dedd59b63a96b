"""Events are made through services.create_event, as organisers make them, so
each has its cohort and session."""

import datetime as dt

from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, OrganiserFactory
from tillit.events import services


def organiser_organisation():
    return OrganisationFactory(
        name="Finansministeriet", kind="ministry", sector="state", country="FI"
    )


def make_event(organisation=None, *, actor=None, days_ahead=30, **fields):
    """A published online event `days_ahead` days from now, registration open."""
    organisation = organisation or organiser_organisation()
    actor = actor or OrganiserFactory(organiser_of=organisation)
    now = timezone.now()
    starts = (now + dt.timedelta(days=days_ahead)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    closes = min(starts - dt.timedelta(hours=1), now + dt.timedelta(days=20))
    defaults = {
        "title": "Dagen för offentligt ledarskap",
        "theme": "Det offentliga ledarskapets identitet i en ny era",
        "format": "online",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=6),
        "stream_link": "https://live.example.org/ledarskap",
        "capacity": 100,
        "waitlist_enabled": True,
        "registration_opens_at": min(
            now - dt.timedelta(days=1), closes - dt.timedelta(days=1)
        ),
        "registration_closes_at": closes,
    }
    defaults.update(fields)
    return services.create_event(organisation, actor=actor, **defaults)
