import factory
from allauth.account.models import EmailAddress

from tillit.core.models import (
    ManagerialLevel,
    Organisation,
    Person,
    RoleCategory,
    Sector,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exempelkommun {n}")
    kind = Organisation.Kind.MUNICIPALITY
    sector = Sector.MUNICIPAL
    country = Organisation.Country.SWEDEN
    time_zone = factory.LazyAttribute(
        lambda o: "Europe/Helsinki" if o.country == "FI" else "Europe/Stockholm"
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    title = "Enhetschef"
    role_category = RoleCategory.UNIT_MANAGER
    managerial_level = ManagerialLevel.MIDDLE
    organisation = factory.SubFactory(OrganisationFactory)
    preferred_language = "en"
    password = factory.django.Password("demo-password-1")

    @factory.post_generation
    def confirmed_address(self, create, extracted, **kwargs):
        """People with a password have a confirmed address (allauth's record),
        as the demo's and existing people do; pass confirmed_address=False
        for someone who has yet to confirm."""
        if create and extracted is not False and self.has_usable_password():
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )


class OrganiserFactory(PersonFactory):
    """A person on the staff of the organisation that runs programmes."""

    @factory.post_generation
    def organiser_of(self, create, organisation, **kwargs):
        if create and organisation is not None:
            organisation.staff.add(self)
