"""Approvals end to end, from the organiser's setting (issue 14): the organiser
switches approval on, a participant registers and is told the seat is held
(not "number None on the waitlist"), an employer contact approves, and the
participant sees the confirmed seat. Everyone signs in through /login/."""

import re

import pytest
from playwright.sync_api import expect

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Programme
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration

pytestmark = pytest.mark.browser

PASSWORD = "demo-password-1"  # PersonFactory's
SWEDISH = {"preferred_language": "sv"}


def log_in(page, person, then):
    page.context.clear_cookies()
    page.goto(f"/login/?next={then}")
    page.locator("#id_username").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


def test_organiser_switches_approval_on_and_an_approved_seat_is_confirmed(
    page, transactional_db
):
    programme = ProgrammeFactory(title="Strategisk styrning")
    cohort = CohortFactory(programme=programme, name="Våren", capacity=30)
    organiser = OrganiserFactory(organiser_of=programme.organiser, **SWEDISH)
    agency = OrganisationFactory(name="Exempelverket")
    contact = PersonFactory(organisation=agency, **SWEDISH)
    agency.employer_contacts.add(contact)
    participant = PersonFactory(organisation=agency, **SWEDISH)

    log_in(page, organiser, f"/organiser/programmes/{programme.pk}/")
    page.locator("#approval-setting").click()
    page.get_by_label("Av en arbetsgivarkontakt i deltagarens organisation").check()
    page.locator("#save-approval").click()
    expect(page.locator("#approval-setting")).to_contain_text("arbetsgivarkontakt")
    programme.refresh_from_db()
    assert programme.approval == Programme.Approval.EMPLOYER

    log_in(page, participant, cohort.get_absolute_url())
    signup = page.locator("#signup")
    signup.get_by_role("button", name="Anmäl dig").click()
    expect(signup.locator("#signup-held")).to_be_visible()
    expect(signup).not_to_contain_text("None")
    expect(signup).not_to_contain_text("reservlistan")
    registration = Registration.objects.get(person=participant)
    assert registration.status == Registration.Status.HELD

    log_in(page, contact, "/approvals/")
    page.get_by_role("button", name="Godkänn").click()
    expect(page.locator("#approval-list")).not_to_contain_text(
        participant.get_full_name()
    )

    log_in(page, participant, cohort.get_absolute_url())
    expect(page.locator("#signup")).to_contain_text(
        "Du har en plats i den här omgången."
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
