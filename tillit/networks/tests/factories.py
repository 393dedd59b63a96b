import datetime as dt

import factory
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory, pdf_upload
from tillit.networks.models import (
    Announcement,
    Meeting,
    Membership,
    Network,
    SharedFile,
)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    kind = Network.Kind.FORUM
    name = factory.Sequence(lambda n: f"HR-direktörernas forum {n}")
    slug = factory.Sequence(lambda n: f"hr-forum-{n}")
    description = "Forum för personaldirektörer i staten: morgonträffar och seminarium."
    owner = factory.SubFactory(
        OrganisationFactory, name="Finansministeriet", kind="ministry", sector="state"
    )
    join_policy = Network.JoinPolicy.APPLICATION


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member."""

    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    person = factory.SubFactory(PersonFactory)
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class ChairFactory(MembershipFactory):
    role = Membership.Role.CHAIR


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    title = "Morgonträff"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=14)).replace(
            hour=7, minute=30, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=1))
    place = "Snellmansgatan 1, Helsingfors"


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    network = factory.SubFactory(NetworkFactory)
    title = "Välkommen till vårens träffar"
    body = "Vi ses i mars."


class SharedFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedFile

    network = factory.SubFactory(NetworkFactory)
    file = factory.LazyFunction(lambda: pdf_upload("minnesanteckningar.pdf"))
    original_name = "minnesanteckningar.pdf"
    file_type = "pdf"
    size = factory.LazyAttribute(lambda f: f.file.size)
