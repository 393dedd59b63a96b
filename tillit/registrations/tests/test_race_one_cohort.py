"""On PostgreSQL: one person pressing "Register" for two cohorts of a programme
at the same moment gets one place, never two (the person's row is locked after
the cohort's, see seats.lock_people)."""

import threading

import pytest
from django.db import connections

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


def _at_once(*calls):
    start = threading.Barrier(len(calls))
    failures = []

    def run(call):
        try:
            start.wait()
            call()
        except services.RegistrationError as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def test_registering_for_two_cohorts_of_a_programme_at_once_gives_one_place():
    programme = ProgrammeFactory()
    spring, autumn = CohortFactory.create_batch(2, programme=programme)
    people = PersonFactory.create_batch(ROUNDS, organisation=None)

    for person in people:
        failures = _at_once(
            lambda p=person: services.register(p, spring),
            lambda p=person: services.register(p, autumn),
        )
        assert len(failures) == 1
        assert isinstance(failures[0], services.AlreadyRegistered)

    places = Registration.objects.active().filter(cohort__programme=programme)
    assert places.count() == ROUNDS
    assert places.values("person").distinct().count() == ROUNDS


def test_an_employer_booking_and_a_self_registration_at_once_give_one_place():
    programme = ProgrammeFactory()
    spring, autumn = CohortFactory.create_batch(2, programme=programme)
    organisation = OrganisationFactory()
    contact = PersonFactory(organisation=organisation)
    organisation.employer_contacts.add(contact)
    managers = PersonFactory.create_batch(ROUNDS, organisation=organisation)
    outcomes = []

    for manager in managers:
        _at_once(
            lambda m=manager: services.register(m, spring),
            lambda m=manager: outcomes.extend(
                services.book_for_others(
                    autumn, [m], actor=contact, organisation=organisation
                )
            ),
        )

    places = Registration.objects.active().filter(cohort__programme=programme)
    assert places.count() == ROUNDS
    assert places.values("person").distinct().count() == ROUNDS
