"""axe-core on the public pages, logged out and logged in: no violation with
impact serious or critical."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
SWEDISH = {"preferred_language": "sv"}  # the pages' default language


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def pages(transactional_db):
    """A catalogue with two programmes; one with a target group, contact person,
    a cohort with sessions and a fully booked cohort."""
    organiser = OrganisationFactory(
        name="Ekonomistyrningsverket", kind="agency", sector="state"
    )
    contact = PersonFactory(title="Programansvarig", organisation=organiser)
    programme = ProgrammeFactory(
        organiser=organiser,
        title="Strategisk verksamhetsstyrning för mellanchefer",
        description="Sex digitala sammankomster med uppgifter inför varje tillfälle.",
        target_group="Mellanchefer i staten.",
    )
    programme.contact_persons.add(contact)
    TargetRuleFactory(programme=programme, sectors=["state", "municipal"])
    cohort = CohortFactory(programme=programme, name="Våren")
    for number in range(1, 4):
        SessionFactory(cohort=cohort, title=f"Sammankomst {number}")
    full = CohortFactory(programme=programme, name="Hösten", capacity=1)
    RegistrationFactory(cohort=full)
    ProgrammeFactory(title="Leda välfärdens digitalisering", format="digital")
    return {
        "cohort_object": cohort,
        "full_object": full,
        "catalogue": "/",
        "programme": programme.get_absolute_url(),
        "cohort": cohort.get_absolute_url(),
        "full cohort": full.get_absolute_url(),
    }


def describe(violations):
    """The violations as lines a person can act on."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} [{violation['impact']}] {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("logged_in", [False, True], ids=["logged-out", "logged-in"])
@pytest.mark.parametrize("name", ["catalogue", "programme", "cohort", "full cohort"])
def test_page_has_no_serious_accessibility_violations(
    page, pages, log_in_as, axe, name, logged_in
):
    if logged_in:
        log_in_as(
            PersonFactory(organisation=OrganisationFactory(sector="state"), **SWEDISH)
        )
    response = page.goto(pages[name])
    assert response.status == 200, f"{name}: HTTP {response.status}"

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"


@pytest.mark.parametrize("state", ["outside-target-group", "waitlisted", "registered"])
def test_signup_states_have_no_serious_accessibility_violations(
    page, pages, log_in_as, axe, state
):
    if state == "outside-target-group":
        person = PersonFactory(
            organisation=OrganisationFactory(sector="private"), **SWEDISH
        )
        cohort = pages["cohort_object"]
    else:
        person = PersonFactory(
            organisation=OrganisationFactory(sector="state"), **SWEDISH
        )
        cohort = pages["full_object" if state == "waitlisted" else "cohort_object"]
        status = "waitlisted" if state == "waitlisted" else "confirmed"
        RegistrationFactory(cohort=cohort, person=person, status=status)
    log_in_as(person)
    response = page.goto(cohort.get_absolute_url())
    assert response.status == 200, f"cohort page, {state}: HTTP {response.status}"

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"cohort page, {state}:\n{describe(blocking)}"
