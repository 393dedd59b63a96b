"""Peer small groups in a browser: a facilitator forms groups from a pool of
40, moves one person by hand (HTMX updates the cards and figures in place) and
publishes; a member opens the group's page. axe-core checks the pool, the
proposal and the group pages.

Locators use ids and data attributes, so the tests do not depend on the Swedish.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tillit.core.tests.factories import PersonFactory
from tillit.groups.models import GroupMember, GroupRound, Proposal
from tillit.groups.tests.factories import GroupRoundFactory, organisations, pool_of

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


def check(axe, page):
    violations = [
        v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING
    ]
    assert not violations, describe(violations)


def movable(proposal, applications):
    """A person and a group (0-based) without a colleague of theirs."""
    org_of = {str(a.person_id): a.person.organisation_id for a in applications}
    for pid, index in proposal.assignment.items():
        for target in range(proposal.engine["groups"]):
            others = {
                org_of[p]
                for p, g in proposal.assignment.items()
                if g == target and p != pid
            }
            if target != index and org_of[pid] not in others:
                return pid, target
    raise AssertionError("nobody can move")


def test_facilitator_forms_moves_one_person_and_publishes(
    page, log_in_as, axe, transactional_db
):
    facilitator = PersonFactory(preferred_language="sv", first_name="Outi")
    round_ = GroupRoundFactory(facilitators=[facilitator])
    applications = pool_of(round_, 40, orgs=organisations(12))

    log_in_as(facilitator)
    page.goto(f"/groups/rounds/{round_.pk}/")
    expect(page.locator("#pool-table tbody tr")).to_have_count(40)
    check(axe, page)

    page.locator("#propose").click()
    expect(page.locator("#group-cards > li")).to_have_count(4)
    expect(page.locator("#proposal-status")).to_have_attribute("data-status", "done")
    check(axe, page)

    proposal = Proposal.objects.get(round=round_)
    pid, target = movable(proposal, applications)
    person = page.locator(f'li[data-person="{pid}"]')
    person.locator("select").select_option(str(target + 1))
    person.locator("button[type=submit]").click()
    expect(page.locator("#moves-count")).to_have_text("1")
    expect(page.locator("#move-result .message-success")).to_be_visible()
    expect(page.locator(f'#group-{target + 1} li[data-person="{pid}"]')).to_have_count(
        1
    )
    expect(page.locator(f"#group-{target + 1} [data-size]")).to_have_attribute(
        "data-size", "11"
    )
    check(axe, page)
    proposal.refresh_from_db()
    assert proposal.assignment[pid] == target

    page.locator("#publish").click()
    expect(page.locator("#confirm-consequences")).to_contain_text("40")
    page.locator("#confirm-button").click()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("#round-groups li")).to_have_count(4)
    round_.refresh_from_db()
    assert round_.status == GroupRound.Status.PUBLISHED
    moved = GroupMember.objects.get(round=round_, person_id=int(pid))
    assert moved.group.number == target + 1

    member = moved.person
    member.preferred_language = "sv"
    member.save(update_fields=["preferred_language"])
    page.context.clear_cookies()
    log_in_as(member)
    page.goto(f"/groups/{moved.group.pk}/")
    expect(page.locator("#group-members li")).to_have_count(11)
    page.locator("#id_ways_of_working").fill("Vi träffas varannan månad.")
    page.locator("#agreement-form button[type=submit]").click()
    expect(page.locator("#ways-of-working")).to_contain_text("varannan månad")
    check(axe, page)


def test_the_application_page_passes_axe(page, log_in_as, axe, transactional_db):
    round_ = GroupRoundFactory()
    person = PersonFactory(preferred_language="sv")

    log_in_as(person)
    page.goto(f"/groups/rounds/{round_.pk}/apply/")
    page.locator("#id_years_as_manager").fill("99")
    page.locator("#application-form button[type=submit]").click()
    expect(page.locator("#id_years_as_manager_error")).to_be_visible()
    check(axe, page)
