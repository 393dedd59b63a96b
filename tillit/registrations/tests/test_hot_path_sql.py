"""The statements the registration path writes in SQL (issue 18) count what
the ORM's definitions count: the free seats as Availability has them, the
person's places as the active registrations say."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import selectors
from tillit.registrations.models import Registration, Reservation
from tillit.registrations.services import seats

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_seats_taken_counts_confirmed_held_offered_and_unnamed_reserved_seats():
    cohort = CohortFactory(capacity=20)
    other = CohortFactory(capacity=20)
    until = timezone.now() + dt.timedelta(days=1)
    RegistrationFactory.create_batch(2, cohort=cohort, status=Status.CONFIRMED)
    RegistrationFactory(cohort=cohort, status=Status.HELD, expires_at=until)
    RegistrationFactory(cohort=cohort, status=Status.OFFERED, expires_at=until)
    RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED)
    RegistrationFactory(cohort=other)
    organisation = OrganisationFactory()
    contact = PersonFactory(organisation=organisation)
    Reservation.objects.create(
        cohort=cohort,
        organisation=organisation,
        booked_by=contact,
        seats=4,
        unnamed_seats=3,
    )
    Reservation.objects.create(
        cohort=cohort,
        organisation=organisation,
        booked_by=contact,
        seats=2,
        unnamed_seats=2,
        released_at=timezone.now(),
    )

    assert selectors.seats_taken(cohort) == 4 + 3
    assert selectors.seats_taken(cohort) == selectors.availability(cohort).taken
    listed = selectors.with_availability(Cohort.objects.filter(pk=cohort.pk)).get()
    assert selectors.availability(cohort) == selectors.availability_of(listed)
    assert selectors.availability(cohort).waitlisted == 1
    assert selectors.seats_left(cohort) == 20 - 7
    assert selectors.seats_taken(other) == 1


def test_seats_taken_of_an_empty_cohort_is_zero():
    assert selectors.seats_taken(CohortFactory()) == 0


def test_places_sees_the_person_here_the_waiting_and_a_place_elsewhere():
    today = timezone.localdate()
    cohort = CohortFactory()
    person = PersonFactory()
    sibling = CohortFactory(
        programme=cohort.programme, ends_on=today + dt.timedelta(days=30)
    )
    ended = CohortFactory(
        programme=cohort.programme,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=1),
    )
    RegistrationFactory.create_batch(2, cohort=cohort, status=Status.WAITLISTED)
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED, person=person)
    RegistrationFactory(cohort=ended, person=person)

    nothing_yet = seats.places(cohort, person, today=today)
    RegistrationFactory(cohort=sibling, person=person, status=Status.WAITLISTED)
    elsewhere = seats.places(cohort, person, today=today)
    RegistrationFactory(cohort=cohort, person=person, status=Status.WAITLISTED)
    here = seats.places(cohort, person, today=today)

    assert nothing_yet == seats.Places(False, False, 2)
    assert elsewhere == seats.Places(False, True, 2)
    assert here == seats.Places(True, True, 3)


def test_places_in_an_event_series_ignores_the_other_days():
    today = timezone.localdate()
    cohort = CohortFactory(programme__kind=Programme.Kind.EVENT_SERIES)
    person = PersonFactory()
    RegistrationFactory(cohort=CohortFactory(programme=cohort.programme), person=person)

    assert seats.places(cohort, person, today=today) == seats.Places(False, False, 0)
