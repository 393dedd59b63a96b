"""An event's programme items are written per content language, the event
organiser's language first (Finansministeriet writes Finnish first)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.events import services
from tillit.events.models import Event, Talk

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


# The place ---------------------------------------------------------------------

EVENT_POST = {
    "title_sv": "Morgonträff om HR-riktlinjerna",
    "title_fi": "Aamukahvitilaisuus HR-linjauksista",
    "format": "on_site",
    "starts_at": "2031-03-04T08:00",
    "ends_at": "2031-03-04T09:30",
    "capacity": "40",
    "registration_opens_at": "2031-02-01T09:00",
    "registration_closes_at": "2031-03-03T16:00",
    "reminder_days": "2",
    "is_published": "on",
}


def _organiser_client(client, event):
    client.force_login(OrganiserFactory(organiser_of=event.organiser))
    return client


def test_event_form_asks_for_the_place_in_each_language_the_organisers_first(client):
    event = make_event()
    _organiser_client(client, event)

    page = client.get(reverse("events:organiser-event-create")).content.decode()

    fieldsets = re.findall(
        r'language-version" data-language="(\w+)">(.*?)</fieldset>', page, re.S
    )
    assert [code for code, _html in fieldsets] == ["fi", "sv", "en"]
    for code, html in fieldsets:
        assert f'name="place_{code}"' in html
    assert 'name="place"' not in page


def test_saving_an_event_stores_its_place_in_each_language(client):
    event = make_event()
    _organiser_client(client, event)

    response = client.post(
        reverse("events:organiser-event-create"),
        {
            **EVENT_POST,
            "organisation": event.organiser.pk,
            "place_fi": "Valtiovarainministeriö, Snellmaninkatu 1, Helsinki",
            "place_sv": "Finansministeriet, Snellmansgatan 1, Helsingfors",
        },
    )

    assert response.status_code == 302
    created = Event.objects.get(title_sv="Morgonträff om HR-riktlinjerna")
    session = created.session
    assert (session.location_fi, session.location_sv, session.location_en) == (
        "Valtiovarainministeriö, Snellmaninkatu 1, Helsinki",
        "Finansministeriet, Snellmansgatan 1, Helsingfors",
        "",
    )
    assert created.cohort.location_fi == session.location_fi


def test_editing_shows_each_place_and_a_new_finnish_place_moves_the_session(client):
    event = make_event(
        format="on_site",
        place_sv="Finansministeriet, Helsingfors",
        place_fi="Valtiovarainministeriö, Helsinki",
    )
    _organiser_client(client, event)
    url = reverse("events:organiser-event-edit", args=[event.pk])
    sequence = event.session.sequence

    page = client.get(url).content.decode()
    form = client.get(url).context["form"]
    data = {
        **{name: form[name].value() for name in form.fields},
        "place_fi": "Marina Congress Center, Helsinki",
    }
    data = {k: v for k, v in data.items() if v not in (None, False)}
    for name in (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
    ):
        data[name] = (
            form[name].value().astimezone(event.time_zone).strftime("%Y-%m-%dT%H:%M")
        )
    response = client.post(url, data)

    assert 'value="Valtiovarainministeriö, Helsinki"' in page
    assert 'value="Finansministeriet, Helsingfors"' in page
    assert response.status_code == 302
    event.session.refresh_from_db()
    assert event.session.location_fi == "Marina Congress Center, Helsinki"
    assert event.session.location_sv == "Finansministeriet, Helsingfors"
    assert event.session.sequence == sequence + 1


def test_an_event_on_site_without_a_place_is_told_beside_the_first_place(client):
    event = make_event()
    _organiser_client(client, event)

    response = client.post(
        reverse("events:organiser-event-create"),
        {**EVENT_POST, "organisation": event.organiser.pk},
    )

    assert response.status_code == 200
    assert 'id="id_place_fi_error"' in response.content.decode()
    assert not Event.objects.filter(title_sv=EVENT_POST["title_sv"]).exists()


def test_a_finnish_reader_sees_the_finnish_place_and_else_the_swedish(client):
    both = make_event(
        format="hybrid",
        place_sv="Marina Congress Center, Helsingfors",
        place_fi="Marina Congress Center, Helsinki",
    )
    swedish_only = make_event(
        title="Morgonträff",
        format="on_site",
        place_sv="Finansministeriet, Snellmansgatan 1, Helsingfors",
    )

    with translation.override("fi"):
        first = client.get(both.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fi")
        second = client.get(swedish_only.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fi")

    assert "Marina Congress Center, Helsinki" in first.content.decode()
    assert "Helsingfors" not in first.content.decode().split("<main")[-1]
    assert "Finansministeriet, Snellmansgatan 1, Helsingfors" in (
        second.content.decode()
    )


def test_the_reminder_gives_the_place_in_the_persons_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(
        days_ahead=3,
        reminder_days=2,
        format="on_site",
        place_sv="Finansministeriet, Helsingfors",
        place_fi="Valtiovarainministeriö, Helsinki",
    )
    finn = PersonFactory(preferred_language="fi")
    services.register(finn, event)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_event_reminders(event.starts_at - dt.timedelta(days=1))

    body = "\n".join(message.body for message in mailoutbox)
    assert "Valtiovarainministeriö, Helsinki" in body
    assert "Finansministeriet, Helsingfors" not in body


def test_the_calendar_file_gives_the_place_in_the_readers_language(client):
    event = make_event(
        format="on_site",
        place_sv="Finansministeriet, Helsingfors",
        place_fi="Valtiovarainministeriö, Helsinki",
    )

    with translation.override("fi"):
        ics = client.get(
            reverse("events:ics", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="fi"
        ).content.decode()

    assert "LOCATION:Valtiovarainministeriö\\, Helsinki" in ics.replace("\r\n ", "")


# The material's title ----------------------------------------------------------


def test_material_title_is_written_in_each_language_the_organisers_first(client):
    event = make_event(days_ahead=-5)
    _organiser_client(client, event)
    url = reverse("events:organiser-material", args=[event.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "publication_title_fi": "Julkinen johtaminen 2020-luvulla",
            "publication_title_sv": "Offentligt ledarskap på 2020-talet",
            "publication_url": "https://julkaisut.example.org/julkinen-johtaminen",
        },
    )

    languages = re.findall(r'language-version" data-language="(\w+)"', page)
    assert languages == ["fi", "sv", "en"]
    assert 'name="publication_title"' not in page
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.publication_title_fi, event.publication_title_sv) == (
        "Julkinen johtaminen 2020-luvulla",
        "Offentligt ledarskap på 2020-talet",
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("fi", "Julkinen johtaminen 2020-luvulla"),
        ("sv", "Offentligt ledarskap på 2020-talet"),
        ("en", "Offentligt ledarskap på 2020-talet"),  # no English: Swedish
    ],
)
def test_events_page_shows_the_material_title_in_the_readers_language(
    client, language, title
):
    event = make_event(days_ahead=-5)
    services.save_material(
        event,
        actor=None,
        publication_title_fi="Julkinen johtaminen 2020-luvulla",
        publication_title_sv="Offentligt ledarskap på 2020-talet",
        publication_url="https://julkaisut.example.org/julkinen-johtaminen",
    )
    client.cookies["django_language"] = language
    client.force_login(PersonFactory())

    listing = client.get(reverse("events:list")).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    assert title in listing
    assert title in page


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_an_added_file_gets_its_title_in_each_language(client, media):
    event = make_event(days_ahead=-5)
    _organiser_client(client, event)

    response = client.post(
        reverse("events:organiser-material", args=[event.pk]),
        {
            "file_title_fi": "Diat: luottamus johtamisen perustana",
            "file_title_sv": "Bilder: förtroende som ledningens grund",
            "upload": SimpleUploadedFile("diat.pdf", b"%PDF-1.4\n1 0 obj"),
        },
    )

    assert response.status_code == 302
    stored = event.material_files.get()
    assert (stored.title_fi, stored.title_sv, stored.original_name) == (
        "Diat: luottamus johtamisen perustana",
        "Bilder: förtroende som ledningens grund",
        "diat.pdf",
    )


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("fi", "Diat: luottamus"),
        ("sv", "Bilder: förtroende"),
        ("en", "Bilder: förtroende"),
    ],
)
def test_a_material_file_is_shown_by_its_title_in_the_readers_language(
    client, media, language, label
):
    event = make_event(days_ahead=-5)
    services.add_material_file(
        event,
        actor=None,
        upload=SimpleUploadedFile("diat.pdf", b"%PDF-1.4\n1 0 obj"),
        title_fi="Diat: luottamus",
        title_sv="Bilder: förtroende",
    )
    services.add_material_file(
        event, actor=None, upload=SimpleUploadedFile("ohjelma.pdf", b"%PDF-1.4\n1")
    )
    client.cookies["django_language"] = language
    client.force_login(PersonFactory())

    page = client.get(event.get_absolute_url()).content.decode()

    assert f"{label}</a>" in page
    assert "ohjelma.pdf</a>" in page  # no title: the file's name
