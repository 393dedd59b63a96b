import pytest

from tillit.core.tests.factories import OrganiserFactory, PersonFactory

from .factories import GroupRoundFactory


@pytest.fixture
def facilitator(db):
    return PersonFactory(first_name="Outi", last_name="Virtanen")


@pytest.fixture
def round_(facilitator):
    round_ = GroupRoundFactory(facilitators=[facilitator])
    return round_


@pytest.fixture
def organiser(round_):
    return OrganiserFactory(organiser_of=round_.owner)
