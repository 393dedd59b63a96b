import pytest
from django.http import Http404

from tillit.core.tests.factories import PersonFactory
from tillit.networks import selectors
from tillit.networks.models import Membership

from .factories import ChairFactory, MembershipFactory, NetworkFactory

Status = Membership.Status
pytestmark = pytest.mark.django_db


def test_an_active_member_reaches_the_inner_pages():
    member = MembershipFactory()

    assert selectors.network_for_member(member.person, member.network.slug)
    assert selectors.network_for_member(member.person, member.network.pk)


@pytest.mark.parametrize(
    "status", [Status.INVITED, Status.APPLIED, Status.LEFT, Status.REFUSED]
)
def test_anyone_but_an_active_member_gets_404(status):
    member = MembershipFactory(status=status, joined_at=None)

    with pytest.raises(Http404):
        selectors.network_for_member(member.person, member.network.slug)


def test_a_stranger_gets_404():
    with pytest.raises(Http404):
        selectors.network_for_member(PersonFactory(), NetworkFactory().slug)


def test_members_of_a_closed_network_get_404_but_its_leaders_do_not():
    chair = ChairFactory(network__is_active=False)
    member = MembershipFactory(network=chair.network)

    with pytest.raises(Http404):
        selectors.network_for_member(member.person, chair.network.slug)
    assert selectors.network_for_member(chair.person, chair.network.slug)


def test_owner_staff_and_site_admins_lead():
    network = NetworkFactory()
    staff = PersonFactory()
    network.owner.staff.add(staff)
    admin = PersonFactory(is_superuser=True)

    assert selectors.network_for_leader(staff, network.slug) == network
    assert selectors.network_for_leader(admin, network.slug) == network


def test_an_ordinary_member_does_not_lead():
    member = MembershipFactory()

    with pytest.raises(Http404):
        selectors.network_for_leader(member.person, member.network.slug)


def test_a_facilitator_leads():
    member = MembershipFactory(role=Membership.Role.FACILITATOR)

    assert selectors.network_for_leader(member.person, member.network.slug)


def test_the_directory_shows_only_the_name_by_default():
    member = MembershipFactory(person__title="Personaldirektör")

    [entry] = selectors.directory(member.network)

    assert entry.name == member.person.get_full_name()
    assert (entry.email, entry.title, entry.organisation, entry.phone) == (
        "",
        "",
        "",
        "",
    )


def test_the_directory_shows_what_a_member_opted_in_to():
    member = MembershipFactory(
        person__title="Personaldirektör",
        show_title=True,
        show_email=True,
        phone="+358 29 555",
        show_phone=False,
    )

    [entry] = selectors.directory(member.network)

    assert entry.title == "Personaldirektör"
    assert entry.email == member.person.email
    assert entry.organisation == ""
    assert entry.phone == ""


def test_the_directory_lists_only_active_members():
    network = NetworkFactory()
    active = MembershipFactory(network=network)
    MembershipFactory(network=network, status=Status.LEFT)
    MembershipFactory(network=network, status=Status.APPLIED, joined_at=None)

    assert [e.membership_pk for e in selectors.directory(network)] == [active.pk]


def test_the_directory_takes_one_query_however_many_members(
    django_assert_num_queries,
):
    network = NetworkFactory()
    MembershipFactory.create_batch(5, network=network, show_organisation=True)

    with django_assert_num_queries(1):
        selectors.directory(network)


def test_my_networks_lists_active_invited_and_applied_in_one_query(
    django_assert_num_queries,
):
    person = PersonFactory()
    MembershipFactory(person=person)
    MembershipFactory(person=person, status=Status.INVITED, joined_at=None)
    MembershipFactory(person=person, status=Status.APPLIED, joined_at=None)
    MembershipFactory(person=person, status=Status.LEFT)

    with django_assert_num_queries(1):
        rows = [
            (m.status, m.network.owner.name, m.member_count)
            for m in selectors.my_networks(person)
        ]

    assert sorted(status for status, _owner, _count in rows) == [
        "active",
        "applied",
        "invited",
    ]


def test_the_public_list_shows_only_networks_taking_applications():
    open_network = NetworkFactory(join_policy="application")
    NetworkFactory(join_policy="invitation")
    NetworkFactory(join_policy="application", is_active=False)

    assert list(selectors.public_networks()) == [open_network]
