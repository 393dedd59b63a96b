import datetime as dt

import factory
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory
from tillit.programmes.models import Cohort, Programme, Session, TargetRule


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organiser = factory.SubFactory(
        OrganisationFactory,
        name="Ekonomistyrningsverket",
        kind="agency",
        sector="state",
    )
    title = factory.Sequence(lambda n: f"Strategisk verksamhetsstyrning {n}")
    slug = factory.Sequence(lambda n: f"strategisk-verksamhetsstyrning-{n}")
    summary = "Programutbildning för mellanchefer i staten."
    format = Programme.Format.BLENDED


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort whose registration is open now and which starts in a month."""

    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Omgång {n}")
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=30)
    )
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + dt.timedelta(days=70))
    capacity = 30
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - dt.timedelta(days=1)
    )
    registration_closes_at = factory.LazyFunction(
        lambda: timezone.now() + dt.timedelta(days=20)
    )
    waitlist_enabled = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Sammankomst {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=31))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=3))


class TargetRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetRule

    programme = factory.SubFactory(ProgrammeFactory)
    sectors = factory.LazyFunction(lambda: ["state"])
