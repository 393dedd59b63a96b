"""A network's settings form leads with its owner organisation's language."""

import pytest

from tillit.core.tests.factories import OrganisationFactory
from tillit.networks.forms import NetworkForm

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("country", "first"), [("FI", "fi"), ("SE", "sv")])
def test_network_settings_lead_with_the_owners_language(country, first):
    network = NetworkFactory(owner=OrganisationFactory(country=country))

    form = NetworkForm(instance=network)

    assert form.languages[0] == first
    assert form.language_groups()[0][0] == first
