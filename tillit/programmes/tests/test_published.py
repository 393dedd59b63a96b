"""Programme.is_published_for, read from a row in hand (the registration lock
uses it), agrees with ProgrammeQuerySet.published for every kind of visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.models import Programme

from .factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_is_published_for_agrees_with_the_published_list():
    organiser, elsewhere = OrganisationFactory(), OrganisationFactory()
    programmes = [
        ProgrammeFactory(
            organiser=organiser, is_published=published, is_internal=internal
        )
        for published in (True, False)
        for internal in (True, False)
    ]
    staff = PersonFactory(organisation=elsewhere)
    organiser.staff.add(staff)
    visitors = [
        None,
        AnonymousUser(),
        PersonFactory(organisation=organiser),
        PersonFactory(organisation=elsewhere),
        PersonFactory(organisation=None),
        staff,
        PersonFactory(organisation=elsewhere, is_superuser=True),
    ]

    for visitor in visitors:
        listed = set(Programme.objects.published(visitor).values_list("pk", flat=True))
        read = {p.pk for p in programmes if p.is_published_for(visitor)}
        assert read == listed & {p.pk for p in programmes}, visitor
