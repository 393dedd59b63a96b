import pytest
from django.core.exceptions import ValidationError

from tillit.core.models import Person, Sector
from tillit.core.tests.factories import (
    EXE_BYTES,
    OrganisationFactory,
    PersonFactory,
    pdf_upload,
    upload,
)
from tillit.networks import services
from tillit.networks.models import Membership, Network
from tillit.networks.services import NetworkError

from .factories import ChairFactory, MeetingFactory, MembershipFactory, NetworkFactory

Status = Membership.Status
pytestmark = pytest.mark.django_db


def company_person():
    return PersonFactory(
        organisation=OrganisationFactory(kind="company", sector=Sector.PRIVATE)
    )


# Invitations ---------------------------------------------------------------------


def test_invitation_waits_for_the_invitee_and_mails_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    chair = ChairFactory()
    person = PersonFactory()

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite(chair.network, person, actor=chair.person)

    assert membership.status == Status.INVITED
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert chair.network.name in mailoutbox[0].subject


def test_accepting_an_invitation_makes_an_active_member():
    chair = ChairFactory()
    person = PersonFactory()
    membership = services.invite(chair.network, person, actor=chair.person)

    services.accept_invitation(person, membership)

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert membership.joined_at is not None


def test_declining_an_invitation_leaves_no_membership():
    chair = ChairFactory()
    person = PersonFactory()
    membership = services.invite(chair.network, person, actor=chair.person)

    services.decline_invitation(person, membership)

    membership.refresh_from_db()
    assert membership.status == Status.REFUSED


def test_nobody_else_can_accept_an_invitation():
    chair = ChairFactory()
    membership = services.invite(chair.network, PersonFactory(), actor=chair.person)

    with pytest.raises(NetworkError):
        services.accept_invitation(PersonFactory(), membership)


def test_inviting_an_active_member_is_refused():
    chair = ChairFactory()
    member = MembershipFactory(network=chair.network)

    with pytest.raises(NetworkError, match="already a member"):
        services.invite(chair.network, member.person, actor=chair.person)


def test_a_private_sector_invitee_is_refused_when_the_network_is_public_only():
    chair = ChairFactory(network__allows_external=False)

    with pytest.raises(NetworkError, match="public sector"):
        services.invite(chair.network, company_person(), actor=chair.person)

    assert chair.network.memberships.count() == 1


def test_a_person_without_organisation_is_refused_when_the_network_is_public_only():
    chair = ChairFactory(network__allows_external=False)

    with pytest.raises(NetworkError):
        services.invite(
            chair.network, PersonFactory(organisation=None), actor=chair.person
        )


def test_an_outside_actor_may_join_a_network_that_allows_them():
    chair = ChairFactory(network__allows_external=True)
    outsider = company_person()

    membership = services.invite(chair.network, outsider, actor=chair.person)
    services.accept_invitation(outsider, membership)

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE


def test_invitation_accepted_after_the_network_closed_to_outsiders_is_refused():
    chair = ChairFactory(network__allows_external=True)
    outsider = company_person()
    membership = services.invite(chair.network, outsider, actor=chair.person)
    Network.objects.filter(pk=chair.network.pk).update(allows_external=False)

    with pytest.raises(NetworkError):
        services.accept_invitation(outsider, membership)


def test_inviting_a_new_address_creates_an_external_person_when_allowed():
    chair = ChairFactory(network__allows_external=True)

    membership = services.invite_by_email(
        chair.network,
        actor=chair.person,
        email="Ny.Person@Example.org",
        first_name="Ny",
        last_name="Person",
    )

    person = Person.objects.get(email="ny.person@example.org")
    assert membership.person == person
    assert person.organisation is None
    assert not person.has_usable_password()


def test_inviting_a_new_address_is_refused_when_outsiders_are_not_allowed():
    chair = ChairFactory(network__allows_external=False)

    with pytest.raises(NetworkError, match="Nobody in Tillit"):
        services.invite_by_email(
            chair.network, actor=chair.person, email="new@example.org", first_name="A"
        )

    assert not Person.objects.filter(email="new@example.org").exists()


def test_inviting_an_existing_address_finds_the_person_whatever_the_case():
    chair = ChairFactory()
    person = PersonFactory(email="kalle@example.org")

    membership = services.invite_by_email(
        chair.network, actor=chair.person, email="KALLE@example.org"
    )

    assert membership.person == person


def test_someone_who_left_can_be_invited_again():
    member = MembershipFactory(status=Status.LEFT, left_at="2026-01-01T00:00Z")
    chair = ChairFactory(network=member.network)

    membership = services.invite(member.network, member.person, actor=chair.person)

    assert membership.pk == member.pk
    assert membership.status == Status.INVITED


def test_only_leaders_approve():
    network = NetworkFactory()
    applicant = services.apply(PersonFactory(), network, text="Intresserad")
    member = MembershipFactory(network=network)

    with pytest.raises(NetworkError):
        services.approve(applicant, actor=member.person)


# Applications --------------------------------------------------------------------


def test_an_application_waits_for_the_chair():
    network = NetworkFactory(join_policy=Network.JoinPolicy.APPLICATION)

    membership = services.apply(PersonFactory(), network, text="Jag leder HR.")

    assert membership.status == Status.APPLIED
    assert membership.application_text == "Jag leder HR."


def test_approving_an_application_makes_a_member_and_tells_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    chair = ChairFactory()
    membership = services.apply(PersonFactory(), chair.network, text="Gärna")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(membership, actor=chair.person)

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert len(mailoutbox) == 1
    assert "approved" in mailoutbox[0].body


def test_refusing_an_application_tells_the_applicant(
    mailoutbox, django_capture_on_commit_callbacks
):
    chair = ChairFactory()
    membership = services.apply(PersonFactory(), chair.network, text="Gärna")

    with django_capture_on_commit_callbacks(execute=True):
        services.refuse(membership, actor=chair.person)

    membership.refresh_from_db()
    assert membership.status == Status.REFUSED
    assert "not approved" in mailoutbox[0].body


def test_an_application_cannot_be_decided_twice():
    chair = ChairFactory()
    membership = services.apply(PersonFactory(), chair.network, text="Gärna")
    services.approve(membership, actor=chair.person)

    with pytest.raises(NetworkError, match="already been decided"):
        services.refuse(membership, actor=chair.person)


def test_a_network_by_invitation_takes_no_applications():
    network = NetworkFactory(join_policy=Network.JoinPolicy.INVITATION)

    with pytest.raises(NetworkError):
        services.apply(PersonFactory(), network, text="Får jag?")

    assert not network.memberships.exists()


def test_applying_twice_is_refused():
    network = NetworkFactory()
    person = PersonFactory()
    services.apply(person, network, text="Ett")

    with pytest.raises(NetworkError, match="already applied"):
        services.apply(person, network, text="Två")


def test_an_outsider_cannot_apply_to_a_public_sector_network():
    network = NetworkFactory(allows_external=False)

    with pytest.raises(NetworkError):
        services.apply(company_person(), network, text="Konsult")


def test_a_refused_applicant_may_apply_again():
    chair = ChairFactory()
    person = PersonFactory()
    services.refuse(services.apply(person, chair.network, text="1"), actor=chair.person)

    membership = services.apply(person, chair.network, text="2")

    assert membership.status == Status.APPLIED
    assert membership.application_text == "2"


# Leaving and leading ---------------------------------------------------------------


def test_leaving_takes_effect_at_once():
    member = MembershipFactory()

    services.leave(member.person, member.network)

    member.refresh_from_db()
    assert member.status == Status.LEFT
    assert member.left_at is not None


def test_a_chair_who_leaves_is_no_longer_chair():
    chair = ChairFactory()

    services.leave(chair.person, chair.network)

    chair.refresh_from_db()
    assert chair.role == Membership.Role.MEMBER


def test_leaving_a_network_one_is_not_in_is_refused():
    with pytest.raises(NetworkError):
        services.leave(PersonFactory(), NetworkFactory())


def test_a_chair_removes_a_member():
    chair = ChairFactory()
    member = MembershipFactory(network=chair.network)

    services.remove(member, actor=chair.person)

    member.refresh_from_db()
    assert member.status == Status.LEFT


def test_a_chair_makes_a_member_facilitator():
    chair = ChairFactory()
    member = MembershipFactory(network=chair.network)

    services.set_role(member, Membership.Role.FACILITATOR, actor=chair.person)

    member.refresh_from_db()
    assert member.role == Membership.Role.FACILITATOR


def test_owner_staff_lead_without_being_members():
    network = NetworkFactory()
    staff = PersonFactory()
    network.owner.staff.add(staff)
    member = MembershipFactory(network=network)

    services.set_role(member, Membership.Role.CHAIR, actor=staff)

    member.refresh_from_db()
    assert member.role == Membership.Role.CHAIR


def test_a_member_chooses_what_the_directory_shows():
    member = MembershipFactory()

    services.update_visibility(
        member.person,
        member.network,
        show_email=True,
        show_title=False,
        show_organisation=True,
        phone="+46 8 123 45",
        show_phone=True,
    )

    member.refresh_from_db()
    assert (member.show_email, member.show_organisation, member.show_phone) == (
        True,
        True,
        True,
    )
    assert member.phone == "+46 8 123 45"


def test_no_phone_number_is_shown_without_one():
    member = MembershipFactory()

    services.update_visibility(member.person, member.network, show_phone=True)

    member.refresh_from_db()
    assert member.show_phone is False


def test_a_leader_creates_a_network_and_becomes_its_chair():
    organiser = PersonFactory()
    owner = OrganisationFactory()
    owner.staff.add(organiser)

    network = services.create_network(
        actor=organiser,
        owner=owner,
        name="Utvecklingschefernas nätverk",
        slug="utvecklingschefer",
        kind=Network.Kind.OPEN,
        join_policy=Network.JoinPolicy.APPLICATION,
    )

    assert network.memberships.get().role == Membership.Role.CHAIR


def test_only_the_owners_staff_create_its_networks():
    with pytest.raises(NetworkError):
        services.create_network(
            actor=PersonFactory(), owner=OrganisationFactory(), name="X", slug="x"
        )


# Announcements, meetings, files ----------------------------------------------------


def test_an_announcement_mails_every_other_active_member(
    mailoutbox, django_capture_on_commit_callbacks
):
    chair = ChairFactory()
    members = MembershipFactory.create_batch(2, network=chair.network)
    MembershipFactory(network=chair.network, status=Status.LEFT)
    MembershipFactory(network=chair.network, status=Status.INVITED, joined_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_announcement(
            chair.network, actor=chair.person, title="Seminariet", body="Den 12 maj."
        )

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        m.person.email for m in members
    )
    assert "Seminariet" in mailoutbox[0].subject
    assert "Den 12 maj." in mailoutbox[0].body


def test_announcement_mail_is_skipped_for_those_who_turned_it_off(
    mailoutbox, django_capture_on_commit_callbacks
):
    from tillit.notifications import services as notifications

    chair = ChairFactory()
    member = MembershipFactory(network=chair.network)
    notifications.turn_off(member.person, notifications.Kind.NETWORK_ANNOUNCEMENT)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_announcement(
            chair.network, actor=chair.person, title="T", body="B"
        )

    assert mailoutbox == []


def test_members_cannot_post_announcements():
    member = MembershipFactory()

    with pytest.raises(NetworkError):
        services.post_announcement(
            member.network, actor=member.person, title="T", body="B"
        )


def test_changing_a_meeting_raises_its_sequence():
    chair = ChairFactory()
    meeting = MeetingFactory(network=chair.network)

    services.update_meeting(meeting, actor=chair.person, title="Morgonträff om AI")

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.title == "Morgonträff om AI"


def test_a_meeting_must_end_after_it_starts():
    chair = ChairFactory()
    meeting = MeetingFactory(network=chair.network)

    with pytest.raises(NetworkError):
        services.update_meeting(meeting, actor=chair.person, ends_at=meeting.starts_at)


def test_a_member_shares_a_checked_file():
    member = MembershipFactory()

    shared = services.share_file(
        member.network, actor=member.person, upload=pdf_upload()
    )

    assert shared.file_type == "pdf"
    assert shared.uploaded_by == member.person


def test_a_program_disguised_as_a_document_is_refused():
    member = MembershipFactory()

    with pytest.raises(ValidationError):
        services.share_file(
            member.network, actor=member.person, upload=upload("agenda.pdf", EXE_BYTES)
        )

    assert not member.network.files.exists()


def test_a_non_member_cannot_share_files():
    network = NetworkFactory()

    with pytest.raises(NetworkError):
        services.share_file(network, actor=PersonFactory(), upload=pdf_upload())


def test_a_member_cannot_remove_someone_elses_file():
    member = MembershipFactory()
    other = MembershipFactory(network=member.network)
    shared = services.share_file(
        member.network, actor=other.person, upload=pdf_upload()
    )

    with pytest.raises(NetworkError):
        services.remove_file(shared, actor=member.person)


def test_a_leader_removes_any_file(django_capture_on_commit_callbacks):
    chair = ChairFactory()
    member = MembershipFactory(network=chair.network)
    shared = services.share_file(
        chair.network, actor=member.person, upload=pdf_upload()
    )
    name, storage = shared.file.name, shared.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_file(shared, actor=chair.person)

    assert not chair.network.files.exists()
    assert not storage.exists(name)
