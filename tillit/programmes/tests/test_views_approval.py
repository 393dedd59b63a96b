"""The organiser's approval setting, and what a participant is told when a seat
is held for approval (issue 14)."""

import pytest
from django.urls import reverse

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Programme
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db
Approval = Programme.Approval


def approval_url(programme):
    return reverse("programmes:organiser-programme-approval", args=[programme.pk])


def test_the_organiser_switches_approval_on(client):
    programme = ProgrammeFactory()
    client.force_login(OrganiserFactory(organiser_of=programme.organiser))

    page = client.get(approval_url(programme))
    response = client.post(approval_url(programme), {"approval": Approval.MANAGER})

    programme.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert programme.approval == Approval.MANAGER


def test_an_unknown_choice_is_refused_beside_the_field(client):
    programme = ProgrammeFactory()
    client.force_login(OrganiserFactory(organiser_of=programme.organiser))

    response = client.post(approval_url(programme), {"approval": "everyone"})

    programme.refresh_from_db()
    assert response.status_code == 200
    assert 'id="id_approval_error"' in response.content.decode()
    assert programme.approval == Approval.NONE


def test_the_approval_setting_is_not_found_for_another_organiser(client):
    programme = ProgrammeFactory()
    client.force_login(OrganiserFactory(organiser_of=OrganisationFactory()))

    response = client.post(approval_url(programme), {"approval": Approval.EMPLOYER})

    programme.refresh_from_db()
    assert response.status_code == 404
    assert programme.approval == Approval.NONE


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_seat_held_for_approval_is_told_as_such_not_as_a_waitlist_place(client, htmx):
    cohort = CohortFactory(programme=ProgrammeFactory(approval=Approval.EMPLOYER))
    person = PersonFactory(organisation=OrganisationFactory())
    client.force_login(person)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        reverse("registrations:cohort-register", args=[cohort.pk]),
        headers=headers,
        follow=not htmx,
    )

    html = response.content.decode()
    assert Registration.objects.get().status == Registration.Status.HELD
    assert "A seat is held for you until" in html
    assert "None" not in html
    assert "waitlist as number" not in html
