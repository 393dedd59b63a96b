"""Approving held seats from the inbox and from the e-mail link, and answering an
offered seat from "My programmes"."""

import time

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import selectors, services, tokens
from tillit.registrations.models import Registration, RegistrationEvent
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
Action = RegistrationEvent.Action
HTMX = {"HX-Request": "true"}
INBOX_URL = reverse("registrations:approvals")
MY_PROGRAMMES_URL = reverse("registrations:my-programmes")


@pytest.fixture
def client(client):
    """A client that reads the pages in English, whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality, title="HR-direktör")
    municipality.employer_contacts.add(person)
    return person


@pytest.fixture
def cohort():
    programme = ProgrammeFactory(approval=Programme.Approval.EMPLOYER)
    return CohortFactory(programme=programme, capacity=1, approval_hold_hours=72)


@pytest.fixture
def held(cohort, municipality):
    """A manager's own registration, held until an employer contact approves."""
    person = PersonFactory(organisation=municipality, first_name="Hedda")
    registration = services.register(person, cohort)
    assert registration.status == Status.HELD
    return registration


def decide_url(registration):
    return reverse("registrations:approval-decide", args=[registration.pk])


def decision(registration, choice, note=""):
    prefix = f"approval-{registration.pk}"
    return {f"{prefix}-decision": choice, f"{prefix}-note": note}


def link_url(registration, approver):
    token = tokens.approval_token(registration, approver)
    return reverse("registrations:approval-link", args=[token])


# The inbox


def test_inbox_lists_held_seats_an_employer_contact_may_approve(client, contact, held):
    elsewhere = services.register(
        PersonFactory(), CohortFactory(programme=held.cohort.programme)
    )
    client.force_login(contact)

    response = client.get(INBOX_URL)

    assert [row["registration"] for row in response.context["rows"]] == [held]
    assert elsewhere.person.get_full_name() not in response.text
    assert decide_url(held) in response.text


def test_inbox_lists_seats_naming_the_person_as_approver(client, municipality):
    programme = ProgrammeFactory(approval=Programme.Approval.MANAGER)
    boss = PersonFactory(organisation=municipality)
    report = PersonFactory(organisation=municipality, manager=boss)
    registration = services.register(report, CohortFactory(programme=programme))
    client.force_login(boss)

    response = client.get(INBOX_URL)

    assert registration.approver == boss
    assert [row["registration"] for row in response.context["rows"]] == [registration]


def test_inbox_lists_held_seats_of_the_organisers_programmes(client, held):
    organiser = OrganiserFactory(organiser_of=held.cohort.programme.organiser)
    client.force_login(organiser)

    response = client.get(INBOX_URL)

    assert [row["registration"] for row in response.context["rows"]] == [held]


def test_inbox_is_empty_for_someone_who_may_approve_nothing(client, held):
    client.force_login(PersonFactory())

    response = client.get(INBOX_URL)

    assert response.context["rows"] == []
    assert "Nothing is waiting for your approval." in response.text


def test_inbox_lists_exactly_what_the_person_may_approve(municipality, contact):
    manager_programme = ProgrammeFactory(approval=Programme.Approval.MANAGER)
    employer_programme = ProgrammeFactory(approval=Programme.Approval.EMPLOYER)
    boss = PersonFactory(organisation=municipality)
    organiser = OrganiserFactory(organiser_of=employer_programme.organiser)
    people = [
        PersonFactory(organisation=municipality, manager=boss),
        PersonFactory(organisation=municipality),
        PersonFactory(manager=boss),
        PersonFactory(),
    ]
    for programme in (manager_programme, employer_programme):
        cohort = CohortFactory(programme=programme)
        for person in people:
            services.register(person, cohort)
    held = Registration.objects.filter(status=Status.HELD)

    for person in (contact, boss, organiser, people[0], PersonFactory()):
        listed = set(selectors.approvals_for(person))

        assert listed == {r for r in held if services.can_approve(person, r)}


def test_inbox_queries_do_not_grow_with_requests(
    client, contact, municipality, held, django_assert_num_queries
):
    client.force_login(contact)
    with django_assert_num_queries(4):
        client.get(INBOX_URL)

    for person in PersonFactory.create_batch(3, organisation=municipality):
        services.register(person, CohortFactory(programme=held.cohort.programme))

    with django_assert_num_queries(4):
        response = client.get(INBOX_URL)
    assert len(response.context["rows"]) == 4


def test_approving_from_the_inbox_confirms_the_seat_and_logs_who(client, contact, held):
    client.force_login(contact)

    response = client.post(decide_url(held), decision(held, "approve"))

    assert response.status_code == 302
    assert response.url == INBOX_URL
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED
    assert held.approved_by == contact
    event = held.events.get(action=Action.APPROVED)
    assert event.actor == contact


def test_refusing_with_a_note_frees_the_seat_for_the_waitlist(
    client, contact, held, cohort
):
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    client.force_login(contact)

    client.post(decide_url(held), decision(held, "refuse", note="Budget saknas"))

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.end_reason == Registration.EndReason.REFUSED
    assert held.events.get(action=Action.REFUSED).actor == contact
    assert waiting.status in (Status.CONFIRMED, Status.HELD)


def test_deciding_without_the_right_to_approve_is_not_found(client, held):
    client.force_login(PersonFactory(organisation=held.person.organisation))

    response = client.post(decide_url(held), decision(held, "approve"))

    assert response.status_code == 404
    held.refresh_from_db()
    assert held.status == Status.HELD


def test_deciding_through_htmx_answers_with_the_inbox_fragment(client, contact, held):
    client.force_login(contact)

    response = client.post(decide_url(held), decision(held, "approve"), headers=HTMX)

    assert response.text.lstrip().startswith('<section id="approval-list"')
    assert "Approved:" in response.text
    assert "Nothing is waiting for your approval." in response.text


def test_deciding_a_seat_no_longer_held_says_so(client, contact, held):
    services.decide_approval(held, approve=True, actor=contact)
    client.force_login(contact)

    response = client.post(decide_url(held), decision(held, "refuse"), follow=True)

    assert "no longer waiting for approval" in response.text
    held.refresh_from_db()
    assert held.status == Status.CONFIRMED


# The e-mail link


def test_approval_link_shows_the_request_without_signing_in(client, contact, held):
    response = client.get(link_url(held, contact))

    assert response.status_code == 200
    assert held.person.get_full_name() in response.text
    assert 'value="approve"' in response.text
    assert "no-cache" in response["Cache-Control"]


def test_approving_from_the_link_confirms_the_seat_as_the_approver(
    client, contact, held
):
    url = link_url(held, contact)

    response = client.post(url, decision(held, "approve"), follow=True)

    held.refresh_from_db()
    assert held.status == Status.CONFIRMED
    assert held.approved_by == contact
    assert held.events.get(action=Action.APPROVED).actor == contact
    assert "This request has already been answered" in response.text


def test_refusing_from_the_link_frees_the_seat(client, contact, held):
    client.post(link_url(held, contact), decision(held, "refuse"))

    held.refresh_from_db()
    assert held.status == Status.CANCELLED
    assert held.end_reason == Registration.EndReason.REFUSED


def test_a_tampered_link_shows_a_clear_message(client, contact, held):
    token = tokens.approval_token(held, contact)
    url = reverse("registrations:approval-link", args=[token[:-2] + "xx"])

    response = client.post(url, decision(held, "approve"))

    assert response.status_code == 404
    assert "This link does not work" in response.text
    held.refresh_from_db()
    assert held.status == Status.HELD


def test_an_expired_link_shows_a_clear_message(client, contact, held, monkeypatch):
    hours_ago = time.time() - (held.cohort.approval_hold_hours + 1) * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: hours_ago)
        url = link_url(held, contact)

    response = client.post(url, decision(held, "approve"))

    assert response.status_code == 410
    assert "This link has expired" in response.text
    held.refresh_from_db()
    assert held.status == Status.HELD


def test_a_used_link_says_the_request_was_answered(client, contact, held):
    services.decide_approval(held, approve=False, actor=contact)

    response = client.get(link_url(held, contact))

    assert response.status_code == 200
    assert "This request has already been answered" in response.text
    assert "Approval refused" in response.text


def test_a_link_for_someone_no_longer_allowed_to_approve_is_refused(
    client, contact, held, municipality
):
    url = link_url(held, contact)
    municipality.employer_contacts.remove(contact)

    response = client.post(url, decision(held, "approve"))

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Status.HELD


# Offers from the waitlist


@pytest.fixture
def offered():
    """A seat offered to the first waiting after a cancellation."""
    cohort = CohortFactory(capacity=1, waitlist_rule=Cohort.WaitlistRule.OFFER)
    first = RegistrationFactory(cohort=cohort)
    waiting = services.register(PersonFactory(), cohort)
    services.cancel(first)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    return waiting


def test_my_programmes_shows_an_offer_with_its_deadline_and_answers(client, offered):
    client.force_login(offered.person)

    response = client.get(MY_PROGRAMMES_URL)

    assert "A seat is offered to you until" in response.text
    assert reverse("registrations:offer-accept", args=[offered.pk]) in response.text
    assert reverse("registrations:offer-decline", args=[offered.pk]) in response.text


def test_my_programmes_shows_who_a_held_seat_waits_for(client, held):
    client.force_login(held.person)

    response = client.get(MY_PROGRAMMES_URL)

    assert "waiting for approval by your organisation's employer contacts" in (
        response.text
    )


def test_accepting_an_offer_confirms_the_seat(client, offered):
    client.force_login(offered.person)

    response = client.post(reverse("registrations:offer-accept", args=[offered.pk]))

    assert response.status_code == 302
    assert response.url == MY_PROGRAMMES_URL
    offered.refresh_from_db()
    assert offered.status == Status.CONFIRMED


def test_declining_an_offer_passes_the_seat_on(client, offered):
    next_in_line = services.register(PersonFactory(), offered.cohort)
    client.force_login(offered.person)

    client.post(reverse("registrations:offer-decline", args=[offered.pk]))

    offered.refresh_from_db()
    next_in_line.refresh_from_db()
    assert offered.end_reason == Registration.EndReason.DECLINED
    assert next_in_line.status == Status.OFFERED


def test_answering_someone_elses_offer_is_not_found(client, offered):
    client.force_login(PersonFactory())

    response = client.post(reverse("registrations:offer-accept", args=[offered.pk]))

    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.status == Status.OFFERED


def test_accepting_an_offer_no_longer_open_says_so(client, offered):
    services.decline_offer(offered, actor=offered.person)
    client.force_login(offered.person)

    response = client.post(
        reverse("registrations:offer-accept", args=[offered.pk]), follow=True
    )

    assert "This offer is no longer open." in response.text
