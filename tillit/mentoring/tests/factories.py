import datetime as dt

import factory
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.mentoring.models import Meeting, Mentor, MentoringProgramme, Pair
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations.tests.factories import RegistrationFactory


class MentoringProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringProgramme

    programme = factory.SubFactory(
        ProgrammeFactory,
        title="Ledarskap i kommuner",
        organiser=factory.SubFactory(
            OrganisationFactory,
            name="Centrum för kommunstrategiska studier",
            kind="university",
            sector="state",
        ),
    )


class MentorFactory(factory.django.DjangoModelFactory):
    """A chief executive of a partner municipality (an organisation of their own)."""

    class Meta:
        model = Mentor

    mentoring = factory.SubFactory(MentoringProgrammeFactory)
    person = factory.SubFactory(
        PersonFactory, title="Kommundirektör", role_category="chief_executive"
    )
    capacity = 2
    languages = factory.LazyFunction(lambda: ["sv"])
    region = "Östergötland"
    areas = factory.LazyFunction(lambda: ["politics", "strategy"])


def mentee_of(mentoring, **person_fields):
    """A confirmed participant of the mentoring's programme (a current cohort)."""
    cohort = mentoring.programme.cohorts.first() or CohortFactory(
        programme=mentoring.programme
    )
    person = PersonFactory(**person_fields)
    RegistrationFactory(cohort=cohort, person=person)
    return person


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair

    mentor = factory.SubFactory(MentorFactory)
    mentoring = factory.SelfAttribute("mentor.mentoring")
    mentee = factory.LazyAttribute(lambda pair: mentee_of(pair.mentoring))
    published_at = factory.LazyFunction(timezone.now)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pair = factory.SubFactory(PairFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    place = "Stadshuset, Linköping"
    topics = "Samspelet med politiken"
