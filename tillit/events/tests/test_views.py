import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.events import services
from tillit.events.models import Event, Talk
from tillit.events.tests.factories import make_event
from tillit.programmes.tests.factories import ProgrammeFactory
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db


# The public pages ------------------------------------------------------------


def test_events_page_lists_upcoming_events_and_past_material(
    client, django_assert_max_num_queries
):
    upcoming = make_event(title="Dagen för offentligt ledarskap 2027")
    past = make_event(
        upcoming.organiser, title="Dagen för offentligt ledarskap 2022", days_ahead=-5
    )
    services.save_material(
        past,
        actor=None,
        recording_url="https://video.example.org/ledarskapsdagen-2022",
        publication_title="Offentligt ledarskap – den offentliga ledningens identitet",
        publication_url="https://julkaisut.example.org/offentligt-ledarskap",
    )
    for n in range(3):
        make_event(upcoming.organiser, title=f"Morgonträff {n}", days_ahead=10 + n)
    client.force_login(PersonFactory())

    with django_assert_max_num_queries(14):
        response = client.get(reverse("events:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert upcoming.title in html
    assert "https://video.example.org/ledarskapsdagen-2022" in html
    assert "Offentligt ledarskap – den offentliga ledningens identitet" in html
    assert html.index(upcoming.title) < html.index(past.title)


def test_unpublished_events_are_not_public(client):
    event = make_event(is_published=False)

    listing = client.get(reverse("events:list"))
    page = client.get(event.get_absolute_url())

    assert event.title not in listing.content.decode()
    assert page.status_code == 404


def test_event_page_shows_talks_and_the_register_button(client):
    event = make_event()
    services.add_talk(
        event,
        actor=None,
        starts_at=dt.time(9, 0),
        title="Ledarskap i en ny era",
        speaker="Aino Virtanen",
    )
    client.force_login(PersonFactory())

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert "Ledarskap i en ny era" in html
    assert "Aino Virtanen" in html
    assert 'id="signup-register"' in html


def test_a_visitor_registers_from_the_event_page_with_htmx(client):
    event = make_event()
    person = PersonFactory()
    client.force_login(person)

    response = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "You have a seat at this event." in response.content.decode()
    assert Registration.objects.get(person=person).cohort == event.cohort


def test_a_visitor_registers_from_the_events_list_without_javascript(client):
    event = make_event()
    client.force_login(PersonFactory())

    response = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), {"next": "list"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:list")
    assert event.cohort.registrations.count() == 1


def test_the_list_answers_htmx_with_the_cards_signup(client):
    event = make_event(capacity=1)
    services.register(PersonFactory(), event)
    client.force_login(PersonFactory())

    response = client.post(
        reverse("events:register", kwargs={"slug": event.slug}),
        {"next": "list"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert f'id="event-{event.pk}-signup"' in html
    assert "waitlist as number 1" in html


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    event = make_event()

    response = client.post(reverse("events:register", kwargs={"slug": event.slug}))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Registration.objects.exists()


def test_the_backing_cohorts_page_leads_to_the_event(client):
    event = make_event()

    response = client.get(
        reverse("programmes:cohort-detail", kwargs={"pk": event.cohort_id})
    )

    assert response.status_code == 301
    assert response["Location"] == event.get_absolute_url()


def test_an_event_series_cohort_without_an_event_has_no_page(client):
    event = make_event()
    event.delete()

    response = client.get(
        reverse("programmes:cohort-detail", kwargs={"pk": event.cohort_id})
    )

    assert response.status_code == 404


def test_cancelling_from_the_event_page_frees_the_seat(client):
    event = make_event()
    person = PersonFactory()
    services.register(person, event)
    client.force_login(person)

    url = reverse("events:cancel", kwargs={"slug": event.slug})

    asked = client.post(url)
    after_asking = Registration.objects.get().status
    client.post(url, {"confirmed": "yes"})

    assert "Cancel your place?" in asked.content.decode()
    assert after_asking == Registration.Status.CONFIRMED
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_ics_parses_back_with_the_sessions_uid_and_the_events_title(client):
    event = make_event()
    services.add_talk(
        event, actor=None, starts_at=dt.time(10, 0), title="Panel", speaker="Mikko"
    )

    response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))

    calendar = icalendar.Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert response["Content-Type"].startswith("text/calendar")
    assert str(entry["SUMMARY"]) == event.title
    assert str(entry["UID"]).startswith(f"session-{event.session.pk}@")
    assert entry.decoded("DTSTART") == event.starts_at
    assert "10:00 Panel (Mikko)" in str(entry["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


def test_ics_gives_the_programme_times_in_the_readers_format(client):
    event = make_event()
    services.add_talk(event, actor=None, starts_at=dt.time(8, 15), title="Paneeli")
    client.cookies["django_language"] = "fi"

    response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))

    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert "8.15 Paneeli" in str(entry["DESCRIPTION"])


# Organiser pages ---------------------------------------------------------------


@pytest.fixture
def event():
    return make_event()


@pytest.fixture
def organiser(event):
    return OrganiserFactory(organiser_of=event.organiser)


def _organiser_urls(event, talk):
    return [
        reverse("events:organiser-event", args=[event.pk]),
        reverse("events:organiser-event-edit", args=[event.pk]),
        reverse("events:organiser-invite", args=[event.pk]),
        reverse("events:organiser-material", args=[event.pk]),
        reverse("events:organiser-talk-create", args=[event.pk]),
        reverse("events:organiser-talk-edit", args=[talk.pk]),
    ]


def test_organiser_pages_are_404_for_staff_of_another_organisation(client, event):
    talk = services.add_talk(event, actor=None, starts_at=dt.time(9), title="Start")
    client.force_login(OrganiserFactory(organiser_of=ProgrammeFactory().organiser))

    for url in _organiser_urls(event, talk):
        assert client.get(url).status_code == 404, url
    delete = reverse("events:organiser-talk-delete", args=[talk.pk])
    assert client.post(delete).status_code == 404
    assert Talk.objects.exists()


def test_organiser_pages_are_404_for_a_participant(client, event):
    talk = services.add_talk(event, actor=None, starts_at=dt.time(9), title="Start")
    client.force_login(PersonFactory())

    assert client.get(reverse("events:organiser-home")).status_code == 404
    for url in _organiser_urls(event, talk):
        assert client.get(url).status_code == 404, url


def test_organiser_pages_render_for_the_owners_staff(client, event, organiser):
    talk = services.add_talk(event, actor=None, starts_at=dt.time(9), title="Start")
    client.force_login(organiser)

    for url in [reverse("events:organiser-home"), *_organiser_urls(event, talk)]:
        assert client.get(url).status_code == 200, url


def test_the_organiser_creates_an_event(client, organiser, event):
    client.force_login(organiser)

    response = client.post(
        reverse("events:organiser-event-create"),
        {
            "organisation": event.organiser.pk,
            "title": "Morgonträff om HR-riktlinjerna",
            "format": "hybrid",
            "starts_at": "2031-03-04T08:00",
            "ends_at": "2031-03-04T09:30",
            "place": "Finansministeriet, Helsingfors",
            "stream_link": "https://live.example.org/morgon",
            "capacity": "40",
            "waitlist_enabled": "on",
            "registration_opens_at": "2031-02-01T09:00",
            "registration_closes_at": "2031-03-03T16:00",
            "reminder_days": "2",
            "is_published": "on",
        },
    )

    created = Event.objects.get(title="Morgonträff om HR-riktlinjerna")
    assert response.status_code == 302
    assert created.cohort.capacity == 40
    assert created.session.location == "Finansministeriet, Helsingfors"


def test_bad_event_data_is_shown_beside_the_field(client, organiser, event):
    client.force_login(organiser)

    response = client.post(
        reverse("events:organiser-event-create"),
        {
            "organisation": event.organiser.pk,
            "title": "Seminarium",
            "format": "on_site",
            "starts_at": "2031-03-04T08:00",
            "ends_at": "2031-03-04T09:30",
            "capacity": "40",
            "registration_opens_at": "2031-02-01T09:00",
            "registration_closes_at": "2031-03-03T16:00",
            "reminder_days": "2",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_place_fi_error"' in html
    assert not Event.objects.filter(title="Seminarium").exists()


def test_the_organiser_invites_organisations_and_sees_the_count(
    client, organiser, event
):
    people = PersonFactory.create_batch(2, organisation=organiser.organisation)
    client.force_login(organiser)

    url = reverse("events:organiser-invite", args=[event.pk])
    audience = {
        "audience": "organisations",
        "organisations": [organiser.organisation.pk],
    }

    asked = client.post(url, audience).content.decode()
    invited_when_asked = event.invitations.count()
    client.post(url, audience | {"confirmed": "yes"})
    response = client.get(reverse("events:organiser-event", args=[event.pk]))

    assert "3 people are invited to" in asked
    assert f"Sweden: 3 people ({organiser.organisation.name})" in asked
    assert f'name="organisations" value="{organiser.organisation.pk}"' in asked
    assert invited_when_asked == 0
    assert event.invitations.count() == len(people) + 1  # the organiser too
    assert response.context["n_invited"] == 3


def test_the_organiser_marks_attendance_with_htmx(client, organiser, event):
    person = PersonFactory()
    services.register(person, event)
    client.force_login(organiser)

    response = client.post(
        reverse("events:organiser-attendance", args=[event.pk, person.pk]),
        {"present": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert 'id="attendees"' in response.content.decode()
    assert response.context["attendees"].attended == {person.pk}


def test_the_events_cohort_pages_of_registrations_and_evaluations_work(
    client, organiser, event
):
    client.force_login(organiser)

    export = client.get(
        reverse(
            "registrations:organiser-cohort-export",
            kwargs={"pk": event.cohort.pk, "fmt": "csv"},
        )
    )
    evaluations = client.get(
        reverse("evaluations:cohort-evaluations", args=[event.cohort.pk])
    )

    assert export.status_code == 200
    assert evaluations.status_code == 200


def test_material_files_download_publicly_once_published(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    event = make_event(days_ahead=-3)
    stored = services.add_material_file(
        event,
        actor=None,
        upload=SimpleUploadedFile("Publikation.pdf", b"%PDF-1.4\n1 0 obj"),
    )

    response = client.get(stored.get_absolute_url())
    services.update_event(event, actor=None, is_published=False)
    hidden = client.get(stored.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hidden.status_code == 404


def test_the_organisers_programme_list_leaves_out_the_event_series(
    client, organiser, event
):
    client.force_login(organiser)

    response = client.get(reverse("programmes:organiser-home"))

    assert event.cohort.programme.title not in response.content.decode()
