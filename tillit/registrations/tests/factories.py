import factory

from tillit.core.tests.factories import PersonFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.models import Registration


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)
    status = Registration.Status.CONFIRMED
