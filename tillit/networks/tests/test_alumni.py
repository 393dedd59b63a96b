import pytest

from tillit.core.tests.factories import PersonFactory
from tillit.learning.models import AlumniMembership
from tillit.networks import services
from tillit.networks.models import Membership, Network
from tillit.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_completing_a_programme_joins_its_alumni_network():
    programme = ProgrammeFactory()
    person = PersonFactory()

    AlumniMembership.objects.get_or_create(programme=programme, person=person)

    network = Network.objects.get(programme=programme)
    assert network.kind == Network.Kind.ALUMNI
    assert network.join_policy == Network.JoinPolicy.AUTOMATIC
    assert network.owner == programme.organiser
    assert network.memberships.get().person == person
    assert network.memberships.get().status == Membership.Status.ACTIVE


def test_one_alumni_network_per_programme():
    programme = ProgrammeFactory()

    for person in PersonFactory.create_batch(3):
        AlumniMembership.objects.create(programme=programme, person=person)

    network = Network.objects.get(programme=programme)
    assert network.memberships.active().count() == 3


def test_an_alumnus_who_left_is_not_brought_back():
    programme = ProgrammeFactory()
    person = PersonFactory()
    membership = services.join_alumni(programme, person)
    services.leave(person, membership.network)

    services.join_alumni(programme, person)

    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT


def test_backfill_joins_alumni_recorded_before_networks_existed():
    programme = ProgrammeFactory()
    people = PersonFactory.create_batch(2)
    AlumniMembership.objects.bulk_create(  # bulk_create sends no post_save
        [AlumniMembership(programme=programme, person=p) for p in people]
    )
    assert not Network.objects.exists()

    added = services.backfill_alumni()

    assert added == 2
    network = Network.objects.get(programme=programme)
    assert {m.person for m in network.memberships.active()} == set(people)


def test_backfill_is_safe_to_repeat():
    programme = ProgrammeFactory()
    AlumniMembership.objects.create(programme=programme, person=PersonFactory())

    assert services.backfill_alumni() == 0
    assert Membership.objects.count() == 1


def test_an_outside_actor_who_completed_the_programme_joins_too():
    from tillit.core.models import Sector
    from tillit.core.tests.factories import OrganisationFactory

    programme = ProgrammeFactory()
    person = PersonFactory(organisation=OrganisationFactory(sector=Sector.PRIVATE))

    AlumniMembership.objects.create(programme=programme, person=person)

    assert Membership.objects.get(person=person).status == Membership.Status.ACTIVE


def test_issuing_certificates_joins_the_alumni_network():
    from tillit.learning import services as learning
    from tillit.learning.tests.factories import CompletionRuleFactory
    from tillit.programmes.tests.factories import CohortFactory
    from tillit.registrations.models import Registration

    cohort = CohortFactory()
    CompletionRuleFactory(
        programme=cohort.programme, min_sessions=0, all_assignments=False
    )
    person = PersonFactory()
    Registration.objects.create(
        cohort=cohort, person=person, status=Registration.Status.CONFIRMED
    )
    organiser = PersonFactory()

    learning.issue_certificates(cohort, actor=organiser, notify_people=False)

    assert Membership.objects.filter(
        person=person, network__programme=cohort.programme, status="active"
    ).exists()
