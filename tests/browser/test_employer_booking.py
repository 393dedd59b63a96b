"""An employer contact books several managers through the pages, as in a browser,
and axe-core checks the employer, approval and offer pages.

The pages speak Swedish (the people prefer it); locators use ids and data
attributes, so the tests do not depend on how a phrase is translated.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from tillit.core.models import Unit
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.models import Programme
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import services, tokens
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser

Status = Registration.Status
BLOCKING = {"serious", "critical"}


def swedish_person(**fields):
    return PersonFactory(preferred_language="sv", **fields)


@pytest.fixture
def municipality(transactional_db):
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    """The municipality's head of digitalisation, who books for its managers."""
    person = swedish_person(
        organisation=municipality,
        title="Digitaliseringschef",
        first_name="Dana",
        last_name="Kontaktsson",
    )
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def managers(municipality):
    """Five managers with different roles and units."""
    social = Unit.objects.create(organisation=municipality, name="Socialförvaltningen")
    school = Unit.objects.create(
        organisation=municipality, name="Utbildningsförvaltningen"
    )
    titles = [
        ("Enhetschef", social),
        ("Förvaltningschef", social),
        ("Rektor", school),
        ("IT-chef", None),
        ("Ekonomichef", None),
    ]
    return [
        swedish_person(organisation=municipality, title=title, unit=unit)
        for title, unit in titles
    ]


def test_employer_contact_books_five_managers_and_the_first_waiting_moves_up(
    page, log_in_as, contact, managers
):
    programme = ProgrammeFactory(title="Leda välfärdens digitalisering")
    cohort = CohortFactory(programme=programme, name="Hösten", capacity=5)
    leaving, _staying = RegistrationFactory.create_batch(2, cohort=cohort)
    log_in_as(contact)
    page.goto("/employer/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.locator(f"#book-cohort-{cohort.pk}").click()
    for manager in managers:
        page.locator(f"#person-{manager.pk}").check()

    page.locator("#book-form button[type=submit]").click()

    results = page.locator("#booking-results")
    expect(results.locator("tr[data-outcome=seat]")).to_have_count(3)
    expect(results.locator("tr[data-outcome=waitlisted]")).to_have_count(2)
    expect(page.locator("#results-heading")).to_be_focused()
    first_waiting = (
        Registration.objects.filter(cohort=cohort, status=Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )

    services.cancel(leaving)
    page.goto("/employer/")

    entry = page.locator(f"li[data-registration='{first_waiting.pk}']")
    expect(entry).to_have_attribute("data-status", "confirmed")
    waiting = page.locator(
        f"#managers-{contact.organisation_id} li[data-status=waitlisted]"
    )
    expect(waiting).to_have_count(1)


def test_booking_works_without_javascript(browser, live_server, contact, managers):
    cohort = CohortFactory(capacity=1)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False
    )
    client = Client()
    client.force_login(contact)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"/employer/cohorts/{cohort.pk}/book/")
    page.locator(f"#person-{managers[0].pk}").check()
    page.locator(f"#person-{managers[1].pk}").check()

    page.locator("#book-form button[type=submit]").click()

    expect(page.locator("#booking-results tr[data-outcome=seat]")).to_have_count(1)
    expect(page.locator("#booking-results tr[data-outcome=waitlisted]")).to_have_count(
        1
    )
    context.close()


# axe-core


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
def pages(contact, managers, municipality):
    """Employer pages with content, an approvals inbox with a held seat, an
    approval link, and "My programmes" with an offered and a held seat."""
    cohort = CohortFactory(
        programme=ProgrammeFactory(title="Leda välfärdens digitalisering"),
        name="Hösten",
        capacity=3,
    )
    services.book_for_others(
        cohort, managers[:4], actor=contact, organisation=municipality
    )
    named = CohortFactory(
        name="Våren",
        capacity=10,
        naming_deadline=cohort.registration_closes_at,
    )
    reservation = services.reserve_seats(
        named, actor=contact, organisation=municipality, seats_wanted=3
    )
    services.name_seat(reservation, managers[4], actor=contact)
    approval = CohortFactory(
        programme=ProgrammeFactory(approval=Programme.Approval.EMPLOYER), capacity=5
    )
    held = services.register(managers[0], approval)
    offer_cohort = CohortFactory(capacity=1, waitlist_rule="offer")
    first = RegistrationFactory(cohort=offer_cohort)
    offered = services.register(managers[1], offer_cohort)
    services.cancel(first)
    services.register(managers[1], approval)
    seated = Registration.objects.get(cohort=cohort, person=managers[0])
    return {
        "employer home": ("/employer/", contact),
        "book": (f"/employer/cohorts/{cohort.pk}/book/", contact),
        "reserve": (f"/employer/cohorts/{named.pk}/reserve/", contact),
        "reservations": ("/employer/reservations/", contact),
        "swap": (f"/employer/registrations/{seated.pk}/swap/", contact),
        "approvals inbox": ("/approvals/", contact),
        "approval link": (
            f"/approvals/link/{tokens.approval_token(held, contact)}/",
            None,
        ),
        "my programmes": ("/my-programmes/", offered.person),
    }


@pytest.mark.parametrize(
    "name",
    [
        "employer home",
        "book",
        "reserve",
        "reservations",
        "swap",
        "approvals inbox",
        "approval link",
        "my programmes",
    ],
)
def test_page_has_no_serious_accessibility_violations(
    page, log_in_as, axe, pages, name
):
    url, person = pages[name]
    if person is not None:
        log_in_as(person)
    page.goto(url)

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"


def test_booking_results_have_no_serious_accessibility_violations(
    page, log_in_as, axe, contact, managers
):
    cohort = CohortFactory(capacity=1)
    log_in_as(contact)
    page.goto(f"/employer/cohorts/{cohort.pk}/book/")
    page.locator(f"#person-{managers[0].pk}").check()
    page.locator(f"#person-{managers[1].pk}").check()
    page.locator("#book-form button[type=submit]").click()
    expect(page.locator("#booking-results")).to_be_visible()

    results = axe.run(page)

    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
