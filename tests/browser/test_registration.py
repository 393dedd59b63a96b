"""A participant registers through the pages, as in a browser: log in, press the
button, read the answer in the signup region (swapped by HTMX)."""

import re

import pytest
from playwright.sync_api import expect

from tillit.core.tests.factories import PersonFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.models import Registration
from tillit.registrations.selectors import active_registration, waitlist_position
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser

PASSWORD = "demo-password-1"  # PersonFactory's
SWEDISH = {"preferred_language": "sv"}  # the pages' default language


def test_participant_logs_in_and_registers_for_an_open_cohort(page):
    person = PersonFactory(email="maria.exempel@example.org", **SWEDISH)
    cohort = CohortFactory(capacity=30)
    assert page.goto(cohort.get_absolute_url()).status == 200
    page.locator("#signup").get_by_role("link").click()  # "log in to register"
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cohorts/{cohort.pk}/$"))
    signup = page.locator("#signup")

    signup.get_by_role("button", name="Anmäl dig").click()

    expect(signup.get_by_role("status")).to_be_visible()
    expect(signup.get_by_role("button", name="Anmäl dig")).to_have_count(0)
    registration = active_registration(person, cohort)
    assert registration.status == Registration.Status.CONFIRMED


def test_participant_joins_the_waitlist_of_a_full_cohort(page, log_in_as):
    person = PersonFactory(**SWEDISH)
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    log_in_as(person)
    assert page.goto(cohort.get_absolute_url()).status == 200
    signup = page.locator("#signup")

    signup.get_by_role("button", name="Ställ dig på reservlistan").click()

    expect(signup.get_by_role("status")).to_be_visible()
    expect(
        signup.get_by_role("button", name="Ställ dig på reservlistan")
    ).to_have_count(0)
    registration = active_registration(person, cohort)
    assert registration.status == Registration.Status.WAITLISTED
    assert waitlist_position(registration) == 1
