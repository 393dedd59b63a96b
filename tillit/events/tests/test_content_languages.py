"""An event's programme items are written per content language, the event
organiser's language first (Finansministeriet writes Finnish first)."""

import re

import pytest
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory
from tillit.events.models import Talk

from .factories import make_event

pytestmark = pytest.mark.django_db


def test_talk_form_leads_with_the_organisers_language_and_saves_each(client):
    event = make_event()
    client.force_login(OrganiserFactory(organiser_of=event.organiser))
    url = reverse("events:organiser-talk-create", args=[event.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "starts_at": "09:00",
            "ends_at": "09:20",
            "title_fi": "Tervetuloa ja avaus",
            "title_sv": "Välkommen och inledning",
            "speaker": "Liisa Heikkilä",
        },
    )

    languages = re.findall(r'language-version" data-language="(\w+)"', page)
    assert languages == ["fi", "sv", "en"]
    assert response.status_code == 302
    talk = Talk.objects.get(event=event)
    assert (talk.title_fi, talk.title_sv) == (
        "Tervetuloa ja avaus",
        "Välkommen och inledning",
    )
