"""The menu's roles (context_processors.roles_of) are read in one statement
written in SQL; they must say what the ORM's question says, role by role."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.portal.context_processors import Roles, roles_of, roles_of_by_orm
from tillit.privacy.models import PrivacyContact
from tillit.programmes.tests.factories import ProgrammeFactory, SessionFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _staff(person):
    OrganisationFactory().staff.add(person)


def _employer_contact(person):
    OrganisationFactory().employer_contacts.add(person)


def _approver_of_a_held_seat(person):
    RegistrationFactory(
        approver=person,
        status=Registration.Status.HELD,
        expires_at=timezone.now() + dt.timedelta(days=2),
    )


def _approver_of_a_decided_seat(person):
    RegistrationFactory(approver=person, status=Registration.Status.CONFIRMED)


def _programme_teacher(person):
    ProgrammeFactory().teachers.add(person)


def _session_teacher(person):
    SessionFactory().teachers.add(person)


def _privacy_contact(person):
    PrivacyContact.objects.create(organisation=OrganisationFactory(), person=person)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda person: None, Roles()),
        (_staff, Roles(organiser=True)),
        (_employer_contact, Roles(employer=True)),
        (_approver_of_a_held_seat, Roles(approver=True)),
        (_approver_of_a_decided_seat, Roles()),
        (_programme_teacher, Roles(teacher=True)),
        (_session_teacher, Roles(teacher=True)),
        (_privacy_contact, Roles(privacy=True)),
    ],
    ids=[
        "participant",
        "staff",
        "employer-contact",
        "approver",
        "decided-approval",
        "programme-teacher",
        "session-teacher",
        "privacy-contact",
    ],
)
def test_menu_roles_in_one_statement_are_the_orms(
    make, expected, django_assert_num_queries
):
    person = PersonFactory()
    PersonFactory()  # someone else's roles are not theirs
    make(person)

    with django_assert_num_queries(1):
        roles = roles_of(person)

    assert roles == expected
    assert roles == roles_of_by_orm(person)


def test_a_superuser_organises_and_answers_for_privacy():
    person = PersonFactory(is_superuser=True)

    assert roles_of(person) == Roles(organiser=True, privacy=True)
    assert roles_of(person) == roles_of_by_orm(person)
