"""The unit and the own manager are recorded once, on the person; an
employment only reads them, so the two cannot disagree."""

import pytest
from django.core.exceptions import FieldDoesNotExist

from tillit.core.models import Unit
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.rollouts.models import Employment

from .factories import EmploymentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["unit", "manager"])
def test_an_employment_has_no_unit_or_manager_of_its_own(name):
    with pytest.raises(FieldDoesNotExist):
        Employment._meta.get_field(name)
    with pytest.raises(AttributeError):
        setattr(EmploymentFactory.build(), name, None)


def test_an_employment_reads_the_persons_unit_and_manager():
    org = OrganisationFactory()
    boss = EmploymentFactory(organisation=org)
    employment = EmploymentFactory(organisation=org)
    unit = Unit.objects.create(organisation=org, name="Hemtjänst Norr")

    employment.person.unit = unit
    employment.person.manager = boss.person
    employment.person.save(update_fields=["unit", "manager"])

    employment = Employment.objects.get(pk=employment.pk)
    assert employment.unit == unit
    assert employment.manager == boss
    assert Employment.objects.with_manager().get(pk=employment.pk).manager_id == (
        boss.pk
    )


def test_a_manager_without_an_employment_in_the_organisation_reads_as_none():
    org = OrganisationFactory()
    outsider = PersonFactory()
    EmploymentFactory(organisation=OrganisationFactory(), person=outsider)
    employment = EmploymentFactory(organisation=org, person__manager=outsider)

    assert employment.manager is None
    assert Employment.objects.with_manager().get(pk=employment.pk).manager_id is None
