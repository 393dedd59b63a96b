"""A person registers for an event from the public events page; axe-core checks
the events page, an event's page and the organiser's pages."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.events import services
from tillit.events.tests.factories import make_event
from tillit.registrations.models import Registration

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def _blocking(axe, page):
    results = axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def _describe(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} {v['nodes'][0]['html'][:160]}" for v in violations
    )


@pytest.fixture
def events(transactional_db):
    day = make_event(title="Dagen för offentligt ledarskap 2027", capacity=2)
    services.add_talk(
        day,
        actor=None,
        starts_at=dt.time(9, 0),
        ends_at=dt.time(9, 30),
        title="Välkommen",
        speaker="Aino Virtanen",
    )
    past = make_event(
        day.organiser, title="Dagen för offentligt ledarskap 2022", days_ahead=-30
    )
    services.save_material(
        past,
        actor=None,
        recording_url="https://video.example.org/2022",
        publication_title="Offentligt ledarskap",
        publication_url="https://julkaisut.example.org/offentligt-ledarskap",
    )
    return day, past


def test_a_person_registers_for_an_event_from_the_events_page(
    page, log_in_as, events, axe
):
    day, _past = events
    person = PersonFactory(preferred_language="sv")
    log_in_as(person)

    page.goto(reverse("events:list"))
    assert not (found := _blocking(axe, page)), _describe(found)
    card = page.locator(f"#event-{day.pk}-signup")
    card.get_by_role("button", name="Anmäl dig").click()

    expect(card.get_by_role("status")).to_contain_text("Du är anmäld")
    assert Registration.objects.get(person=person).cohort == day.cohort
    expect(page.get_by_role("link", name="Se inspelningen")).to_be_visible()


def test_event_page_registration_and_cancellation_with_the_keyboard(
    page, log_in_as, events, axe
):
    day, _past = events
    log_in_as(PersonFactory(preferred_language="sv"))

    page.goto(day.get_absolute_url())
    assert not (found := _blocking(axe, page)), _describe(found)
    page.locator("#signup-register").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#signup")).to_contain_text("Du har en plats på evenemanget")
    assert not (found := _blocking(axe, page)), _describe(found)


def test_organiser_pages_pass_axe(page, log_in_as, events, axe):
    day, past = events
    organiser = OrganiserFactory(organiser_of=day.organiser, preferred_language="sv")
    services.register(PersonFactory(), day)
    log_in_as(organiser)

    urls = [
        reverse("events:organiser-home"),
        reverse("events:organiser-event", args=[day.pk]),
        reverse("events:organiser-event-create"),
        reverse("events:organiser-event-edit", args=[day.pk]),
        reverse("events:organiser-invite", args=[day.pk]),
        reverse("events:organiser-material", args=[past.pk]),
        reverse("events:organiser-talk-create", args=[day.pk]),
        past.get_absolute_url(),
    ]
    for url in urls:
        page.goto(url)
        assert not (found := _blocking(axe, page)), f"{url}\n{_describe(found)}"

    page.goto(reverse("events:organiser-event", args=[day.pk]))
    page.get_by_role("button", name="Markera som närvarande").first.click()
    expect(page.locator("#attendees")).to_contain_text("Närvarande")


def test_bad_event_data_gets_a_message_beside_the_field(page, log_in_as, events, axe):
    day, _past = events
    log_in_as(OrganiserFactory(organiser_of=day.organiser, preferred_language="sv"))

    page.goto(reverse("events:organiser-event-create"))
    page.get_by_role("group", name="På svenska").get_by_label("Titel").fill(
        "Seminarium"
    )
    page.get_by_role("button", name="Skapa evenemanget").click()

    expect(page.locator("#error-summary")).to_be_visible()
    assert not (found := _blocking(axe, page)), _describe(found)
