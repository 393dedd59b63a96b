"""Mentoring in a browser: a mentee ranks mentors; the organiser runs the
matching, moves one mentee and publishes; the mentee opens the pair space,
plans a meeting, moves it and cancels it. axe-core checks the pool, ranking,
proposal, pair and meeting pages.

Locators use ids and data attributes, so the tests do not depend on the Swedish.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.mentoring import services
from tillit.mentoring.models import Meeting, Pair
from tillit.mentoring.tests.factories import (
    MeetingFactory,
    MentorFactory,
    MentoringProgrammeFactory,
    mentee_of,
)

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}] {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture
def setting(transactional_db):
    mentoring = MentoringProgrammeFactory()
    organiser = OrganiserFactory(
        organiser_of=mentoring.programme.organiser, preferred_language="sv"
    )
    mentors = [
        MentorFactory(
            mentoring=mentoring,
            capacity=1,
            person=PersonFactory(
                first_name=first, last_name="Kommundirektör", preferred_language="sv"
            ),
            areas=areas,
        )
        for first, areas in [
            ("Åsa", ["politics"]),
            ("Bengt", ["finance"]),
            ("Cecilia", ["digital"]),
        ]
    ]
    mentee = mentee_of(mentoring, preferred_language="sv", first_name="Mona")
    other = mentee_of(mentoring, preferred_language="sv")
    return mentoring, organiser, mentors, mentee, other


def test_mentee_ranks_organiser_matches_moves_publishes_and_mentee_plans_a_meeting(
    page, log_in_as, setting
):
    mentoring, organiser, mentors, mentee, other = setting
    services.save_wishes(mentoring, other, mentors=[mentors[0]])
    programme = mentoring.programme

    log_in_as(mentee)
    page.goto(f"/mentoring/programmes/{programme.pk}/wishes/")
    page.locator("#id_choice_1").select_option(str(mentors[0].pk))
    page.locator("#id_choice_2").select_option(str(mentors[1].pk))
    page.locator("#wishes-form button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()

    page.context.clear_cookies()
    log_in_as(organiser)
    page.goto(f"/mentoring/organiser/programmes/{programme.pk}/matching/")
    page.locator("#run-form button").click()
    expect(page.locator("#proposal-table")).to_be_visible()
    row = page.locator(f"#mentee-{mentee.pk}")
    row.locator("select").select_option(str(mentors[2].pk))
    row.locator("button").click()
    expect(page.locator(f"#mentee-{mentee.pk}")).to_have_attribute(
        "data-mentor", str(mentors[2].pk)
    )
    page.locator("#publish-form button").click()
    page.locator("#confirm-button").click()
    expect(page.locator("#pairs-table")).to_be_visible()
    pair = Pair.objects.get(mentee=mentee)
    assert pair.mentor == mentors[2]

    page.context.clear_cookies()
    log_in_as(mentee)
    page.goto("/mentoring/")
    page.locator(f"#pair-link-{pair.pk}").click()
    page.locator("#id_meeting-starts_at").fill("2030-05-02T10:00")
    page.locator("#id_meeting-place").fill("Stadshuset")
    page.locator("#id_meeting-topics").fill("Budgetdialogen")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#meeting-table")).to_contain_text("Budgetdialogen")
    meeting = Meeting.objects.get(pair=pair)

    page.locator(f"#meeting-{meeting.pk} a").click()
    page.locator("#id_place").fill("Rådhuset")
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator(f"#meeting-{meeting.pk}")).to_contain_text("Rådhuset")
    page.locator(f"#meeting-{meeting.pk} a").click()
    page.locator("#meeting-cancel-form button").click()
    expect(page.locator("#confirm-consequences")).to_contain_text("2030")
    page.locator("#confirm-button").click()
    expect(page.locator(".message-success")).to_be_visible()
    assert not Meeting.objects.filter(pair=pair).exists()


@pytest.mark.parametrize(
    "name", ["pool", "ranking", "proposal", "pair", "meeting", "pairs"]
)
def test_mentoring_page_has_no_serious_accessibility_violations(
    page, log_in_as, axe, setting, name
):
    mentoring, organiser, mentors, mentee, other = setting
    programme = mentoring.programme
    services.save_wishes(mentoring, other, mentors=[mentors[0]])
    run = services.run_matching(mentoring)
    if name in ("pair", "meeting", "pairs"):
        services.publish(run)
    pages = {
        "pool": (f"/mentoring/programmes/{programme.pk}/mentors/", mentee),
        "ranking": (f"/mentoring/programmes/{programme.pk}/wishes/", mentee),
        "proposal": (
            f"/mentoring/organiser/programmes/{programme.pk}/matching/",
            organiser,
        ),
        "pairs": (f"/mentoring/organiser/programmes/{programme.pk}/pairs/", organiser),
    }
    if name in ("pair", "meeting"):
        pair = Pair.objects.get(mentee=other)
        meeting = MeetingFactory(pair=pair)
        pages["pair"] = (f"/mentoring/pairs/{pair.pk}/", other)
        pages["meeting"] = (f"/mentoring/meetings/{meeting.pk}/", other)
    url, person = pages[name]
    log_in_as(person)
    page.goto(url)

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"
