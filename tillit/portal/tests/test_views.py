import pytest
from django.urls import reverse

from tillit.accounts.models import Invitation
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.mentoring.tests.factories import MentorFactory
from tillit.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _not_activated(**fields):
    person = PersonFactory(**fields)
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person


def _employer_contact(organisation):
    contact = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(contact)
    return contact


@pytest.mark.parametrize(
    ("role", "place"),
    [
        ("organiser", "registrations:organiser-home"),
        ("employer", "registrations:employer-home"),
        ("teacher", "learning:teaching"),
        ("mentor", "mentoring:home"),
        ("participant", "portal:home"),
    ],
)
def test_each_role_starts_where_its_work_is(client, role, place):
    person = PersonFactory()
    if role == "organiser":
        OrganisationFactory().staff.add(person)
    elif role == "employer":
        person.organisation.employer_contacts.add(person)
    elif role == "teacher":
        ProgrammeFactory().teachers.add(person)
    elif role == "mentor":
        MentorFactory(person=person)
    client.force_login(person)

    response = client.get(reverse("portal:start"))

    assert response["Location"] == reverse(place)


def test_hr_sees_only_their_own_organisations_people_not_activated(client):
    organisation = OrganisationFactory()
    own = _not_activated(organisation=organisation, last_name="Egen")
    other = _not_activated(last_name="Annan")
    PersonFactory(organisation=organisation, last_name="Aktiverad")
    client.force_login(_employer_contact(organisation))

    response = client.get(reverse("portal:invitations"))

    assert own.email in response.text
    assert other.email not in response.text
    assert "Aktiverad" not in response.text


def test_a_participant_has_no_invitations_page(client):
    client.force_login(PersonFactory())

    assert client.get(reverse("portal:invitations")).status_code == 404
    assert client.post(reverse("portal:invitations-send")).status_code == 404


def test_sending_to_everyone_asks_first_with_the_count(client, mailoutbox):
    organisation = OrganisationFactory()
    for _ in range(3):
        _not_activated(organisation=organisation)
    client.force_login(_employer_contact(organisation))

    asked = client.post(reverse("portal:invitations-send"))

    assert "3" in asked.text
    assert Invitation.objects.count() == 0


def test_after_confirming_everyone_not_activated_is_invited(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    people = [_not_activated(organisation=organisation) for _ in range(3)]
    client.force_login(_employer_contact(organisation))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:invitations-send"), {"confirm": "yes"})

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)


def test_hr_cannot_send_an_invitation_to_another_organisations_person(client):
    outsider = _not_activated()
    client.force_login(_employer_contact(OrganisationFactory()))

    client.post(reverse("portal:invitations-send"), {"person": str(outsider.pk)})

    assert not Invitation.objects.filter(person=outsider).exists()


def test_an_organiser_sees_their_participants_not_activated(client):
    from tillit.registrations.tests.factories import RegistrationFactory

    organisation = OrganisationFactory()
    organiser = OrganiserFactory(organiser_of=organisation)
    programme = ProgrammeFactory(organiser=organisation)
    participant = _not_activated()
    RegistrationFactory(cohort__programme=programme, person=participant)
    stranger = _not_activated()
    client.force_login(organiser)

    response = client.get(reverse("portal:invitations"))

    assert participant.email in response.text
    assert stranger.email not in response.text
