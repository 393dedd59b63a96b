"""A network's texts, its meetings' and announcements', are written per content
language, its owner organisation's language first, and read in the reader's."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.networks.forms import NetworkForm
from tillit.networks.models import Announcement, Meeting

from .factories import (
    AnnouncementFactory,
    ChairFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("country", "first"), [("FI", "fi"), ("SE", "sv")])
def test_network_settings_lead_with_the_owners_language(country, first):
    network = NetworkFactory(owner=OrganisationFactory(country=country))

    form = NetworkForm(instance=network)

    assert form.languages[0] == first
    assert form.language_groups()[0][0] == first


# Meetings and announcements ---------------------------------------------------------


@pytest.fixture
def finnish_network():
    """A Finnish forum with its chair and a member who reads Finnish."""
    network = NetworkFactory(owner=OrganisationFactory(country="FI"))
    network.chair = ChairFactory(network=network)
    network.member = MembershipFactory(
        network=network, person=PersonFactory(preferred_language="fi")
    )
    return network


def _fieldsets(page):
    return re.findall(
        r'language-version" data-language="(\w+)">(.*?)</fieldset>', page, re.S
    )


def test_meeting_form_asks_for_its_texts_in_each_language_and_saves_each(
    client, finnish_network
):
    client.force_login(finnish_network.chair.person)
    url = reverse("networks:network-meetings", args=[finnish_network.slug])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title_fi": "Aamukahvitilaisuus",
            "title_sv": "Morgonträff",
            "place_fi": "Valtiovarainministeriö, Helsinki",
            "place_sv": "Finansministeriet, Helsingfors",
            "description_sv": "Om kompetensförsörjning.",
            "starts_at": "2027-03-10T08:00",
            "ends_at": "2027-03-10T09:00",
        },
    )

    fieldsets = _fieldsets(page)
    assert [code for code, _html in fieldsets] == ["fi", "sv", "en"]
    for code, html in fieldsets:
        for name in ("title", "place", "description"):
            assert f'name="{name}_{code}"' in html
    assert response.status_code == 302
    meeting = Meeting.objects.get(network=finnish_network)
    assert (meeting.title_fi, meeting.title_sv) == ("Aamukahvitilaisuus", "Morgonträff")
    assert not meeting.title_en
    assert meeting.place_fi == "Valtiovarainministeriö, Helsinki"
    assert meeting.description_sv == "Om kompetensförsörjning."
    assert not meeting.description_fi


def test_editing_a_meeting_changes_one_language_and_keeps_the_others(
    client, finnish_network
):
    meeting = MeetingFactory(
        network=finnish_network,
        title_sv="Morgonträff",
        title_fi="Aamukahvitilaisuus",
        place_sv="Finansministeriet, Helsingfors",
    )
    client.force_login(finnish_network.chair.person)
    url = reverse("networks:meeting-edit", args=[finnish_network.slug, meeting.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title_fi": "Aamukahvit",
            "title_sv": "Morgonträff",
            "place_sv": "Finansministeriet, Helsingfors",
            "place_fi": "Valtiovarainministeriö, Helsinki",
            "starts_at": "2027-03-10T08:00",
            "ends_at": "2027-03-10T09:00",
        },
    )

    assert 'value="Aamukahvitilaisuus"' in page
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title_fi, meeting.title_sv) == ("Aamukahvit", "Morgonträff")
    assert meeting.place_fi == "Valtiovarainministeriö, Helsinki"
    assert meeting.sequence == 1


def test_a_finnish_reader_sees_meetings_in_finnish_and_else_in_swedish(
    client, finnish_network
):
    MeetingFactory(
        network=finnish_network,
        title_sv="Morgonträff",
        title_fi="Aamukahvitilaisuus",
        place_sv="Finansministeriet, Helsingfors",
        place_fi="Valtiovarainministeriö, Helsinki",
    )
    MeetingFactory(
        network=finnish_network,
        title_sv="Årligt seminarium",
        place_sv="Marina Congress Center, Helsingfors",
    )
    client.force_login(finnish_network.member.person)

    with translation.override("fi"):
        page = client.get(
            reverse("networks:network-meetings", args=[finnish_network.slug]),
            HTTP_ACCEPT_LANGUAGE="fi",
        ).content.decode()

    assert "Aamukahvitilaisuus" in page
    assert "Valtiovarainministeriö, Helsinki" in page
    assert "Morgonträff" not in page
    assert "Årligt seminarium" in page
    assert "Marina Congress Center, Helsingfors" in page


def test_an_announcement_in_two_languages_is_mailed_in_each_readers_language(
    client, finnish_network, mailoutbox, django_capture_on_commit_callbacks
):
    swede = MembershipFactory(
        network=finnish_network, person=PersonFactory(preferred_language="sv")
    )
    client.force_login(finnish_network.chair.person)
    url = reverse("networks:network-announcements", args=[finnish_network.slug])
    texts = {
        "title_fi": "Vuosiseminaari",
        "body_fi": "12. toukokuuta Helsingissä.",
        "title_sv": "Årligt seminarium",
        "body_sv": "Den 12 maj i Helsingfors.",
    }

    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, texts | {"confirmed": "yes"})

    assert [code for code, _html in _fieldsets(page)] == ["fi", "sv", "en"]
    assert response.status_code == 302
    announcement = Announcement.objects.get(network=finnish_network)
    assert (announcement.title_fi, announcement.body_sv) == (
        "Vuosiseminaari",
        "Den 12 maj i Helsingfors.",
    )
    mails = {tuple(m.to): m for m in mailoutbox}
    finnish = mails[(finnish_network.member.person.email,)]
    swedish = mails[(swede.person.email,)]
    assert "Vuosiseminaari" in finnish.subject
    assert "12. toukokuuta Helsingissä." in finnish.body
    assert "Årligt seminarium" in swedish.subject


def test_a_finnish_reader_of_a_swedish_only_announcement_reads_swedish(
    client, finnish_network
):
    AnnouncementFactory(
        network=finnish_network, title_sv="Årligt seminarium", body_sv="Den 12 maj."
    )
    client.force_login(finnish_network.member.person)

    with translation.override("fi"):
        page = client.get(
            reverse("networks:network-announcements", args=[finnish_network.slug]),
            HTTP_ACCEPT_LANGUAGE="fi",
        ).content.decode()

    assert "Årligt seminarium" in page
    assert "Den 12 maj." in page
