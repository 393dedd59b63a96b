import factory

from tillit.core.models import Organisation, RoleCategory, Sector
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.groups.models import Application, GroupMember, GroupRound, PeerGroup

KINDS = [
    (Organisation.Kind.MINISTRY, Sector.STATE),
    (Organisation.Kind.AGENCY, Sector.STATE),
    (Organisation.Kind.MUNICIPALITY, Sector.MUNICIPAL),
    (Organisation.Kind.REGION, Sector.REGIONAL),
    (Organisation.Kind.UNIVERSITY, Sector.OTHER_PUBLIC),
]
ROLES = [
    RoleCategory.DIRECTOR_GENERAL,
    RoleCategory.DIRECTOR,
    RoleCategory.HR_DIRECTOR,
    RoleCategory.CHIEF_EXECUTIVE,
    RoleCategory.DEPARTMENT_HEAD,
]


class GroupRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupRound
        skip_postgeneration_save = True

    title = "Smågrupper för högsta ledningen"
    year = 2027
    owner = factory.SubFactory(
        OrganisationFactory,
        name=factory.Sequence(lambda n: f"Finansministeriet {n}"),
        kind=Organisation.Kind.MINISTRY,
        sector=Sector.STATE,
        country=Organisation.Country.FINLAND,
    )

    @factory.post_generation
    def facilitators(self, create, people, **kwargs):
        if create and people:
            self.facilitators.add(*people)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(GroupRoundFactory)
    person = factory.SubFactory(PersonFactory)
    status = Application.Status.ACCEPTED
    years_as_manager = factory.Sequence(lambda n: 2 + n % 25)


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerGroup

    round = factory.SubFactory(GroupRoundFactory, status=GroupRound.Status.PUBLISHED)
    number = factory.Sequence(lambda n: n + 1)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(PeerGroupFactory)
    round = factory.SelfAttribute("group.round")
    person = factory.SubFactory(PersonFactory)


def organisations(count):
    """`count` organisations of every branch of government, in turn."""
    return [
        OrganisationFactory(
            name=f"Organisation {i}", kind=KINDS[i % 5][0], sector=KINDS[i % 5][1]
        )
        for i in range(count)
    ]


def pool_of(round_, size, *, orgs=None, status=Application.Status.ACCEPTED):
    """`size` accepted applications from people of varied organisations, roles
    and years (at most one per organisation per four people)."""
    orgs = orgs or organisations(max(1, size // 2))
    return [
        ApplicationFactory(
            round=round_,
            status=status,
            person=PersonFactory(
                organisation=orgs[i % len(orgs)], role_category=ROLES[i % len(ROLES)]
            ),
            years_as_manager=1 + (i * 7) % 30,
        )
        for i in range(size)
    ]
