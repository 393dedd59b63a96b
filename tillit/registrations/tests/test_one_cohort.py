"""A person holds a place in one cohort of a programme at a time; moves go only
to cohorts that have not ended; an organisation's internal cohorts (a rollout's)
are offered only to its own people (issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import services
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory
from tillit.rollouts.models import RolloutCohort, RolloutPlan

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def spring(programme):
    return CohortFactory(programme=programme, name="Våren")


@pytest.fixture
def autumn(programme):
    return CohortFactory(
        programme=programme,
        name="Hösten",
        starts_on=timezone.localdate() + dt.timedelta(days=120),
        ends_on=timezone.localdate() + dt.timedelta(days=180),
    )


@pytest.fixture
def finished(programme):
    today = timezone.localdate()
    return CohortFactory(
        programme=programme,
        name="Förra året",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today - dt.timedelta(days=200),
        registration_opens_at=timezone.now() - dt.timedelta(days=400),
        registration_closes_at=timezone.now() - dt.timedelta(days=310),
    )


@pytest.fixture
def municipality():
    return OrganisationFactory(name="Exempelkommunen")


@pytest.fixture
def contact(municipality):
    person = PersonFactory(organisation=municipality)
    municipality.employer_contacts.add(person)
    return person


def internal_cohort(programme, organisation, **fields):
    """A cohort of `organisation`'s rollout of the programme."""
    cohort = CohortFactory(programme=programme, name="Internt", **fields)
    plan = RolloutPlan.objects.create(
        organisation=organisation,
        programme=programme,
        name="Alla chefer",
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        cohort_size=20,
    )
    RolloutCohort.objects.create(plan=plan, number=1, capacity=20, cohort=cohort)
    return cohort


# One cohort of a programme at a time


def test_registering_for_a_second_cohort_of_a_programme_names_the_first(spring, autumn):
    person = PersonFactory()
    services.register(person, spring)

    with pytest.raises(services.AlreadyRegistered, match="Våren"):
        services.register(person, autumn)

    assert not autumn.registrations.exists()


def test_a_waitlist_place_in_another_cohort_counts_too(spring, autumn):
    spring.capacity = 1
    spring.save()
    services.register(PersonFactory(), spring)
    person = PersonFactory()
    services.register(person, spring)

    with pytest.raises(services.AlreadyRegistered):
        services.register(person, autumn)


def test_a_finished_or_cancelled_place_does_not_count(spring, autumn, finished):
    person = PersonFactory()
    RegistrationFactory(person=person, cohort=finished)
    cancelled = services.register(person, spring)
    services.cancel(cancelled)

    registration = services.register(person, autumn)

    assert registration.status == Status.CONFIRMED


def test_employer_booking_refuses_a_manager_placed_elsewhere_with_the_reason(
    contact, municipality, spring, autumn
):
    placed, free = PersonFactory.create_batch(2, organisation=municipality)
    services.register(placed, spring)

    results = services.book_for_others(
        autumn, [placed, free], actor=contact, organisation=municipality
    )

    assert [r.outcome for r in results] == ["refused", "seat"]
    assert "Våren" in results[0].reason


def test_swapping_in_a_colleague_placed_in_another_cohort_is_refused(
    contact, municipality, spring, autumn
):
    manager, colleague = PersonFactory.create_batch(2, organisation=municipality)
    seat = services.register(manager, autumn)
    services.register(colleague, spring)

    with pytest.raises(services.AlreadyRegistered, match="Våren"):
        services.swap(seat, colleague, actor=contact)


# Moves


def test_moving_leaves_the_person_with_one_place(spring, autumn):
    seat = services.register(PersonFactory(), spring)

    moved = services.move(seat, autumn, actor=PersonFactory())

    places = Registration.objects.active().filter(person=seat.person)
    assert list(places) == [moved]


def test_moving_someone_who_also_has_another_place_is_refused(programme, spring):
    person = PersonFactory()
    seat = RegistrationFactory(person=person, cohort=spring)
    third = CohortFactory(programme=programme, name="Tredje")
    RegistrationFactory(person=person, cohort=third)  # from before the rule
    target = CohortFactory(programme=programme)

    with pytest.raises(services.AlreadyRegistered, match="Tredje"):
        services.move(seat, target, actor=PersonFactory())


def test_moving_to_a_cohort_that_has_ended_is_refused(spring, finished):
    seat = services.register(PersonFactory(), spring)

    with pytest.raises(services.RegistrationError, match="has ended"):
        services.move(seat, finished, actor=PersonFactory())

    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED


def test_the_organisers_move_choices_leave_out_ended_cohorts(
    client, programme, spring, autumn, finished
):
    RegistrationFactory(cohort=spring)
    organiser = OrganiserFactory(organiser_of=programme.organiser)
    client.force_login(organiser)

    page = client.get(reverse("registrations:organiser-cohort", args=[spring.pk]))

    html = page.content.decode()
    assert f'<option value="{autumn.pk}">' in html
    assert f'<option value="{finished.pk}">' not in html


def test_posting_a_move_to_an_ended_cohort_moves_nobody(client, spring, finished):
    seat = RegistrationFactory(cohort=spring)
    client.force_login(OrganiserFactory(organiser_of=spring.programme.organiser))

    client.post(
        reverse("registrations:organiser-registration-move", args=[seat.pk]),
        {f"move-{seat.pk}-to_cohort": finished.pk, "confirmed": "yes"},
    )

    seat.refresh_from_db()
    assert seat.status == Status.CONFIRMED
    assert not finished.registrations.exists()


# Internal cohorts


def test_an_internal_cohort_refuses_people_of_other_organisations(
    programme, municipality
):
    cohort = internal_cohort(programme, municipality)

    with pytest.raises(services.NotAllowed, match="internal"):
        services.register(PersonFactory(organisation=OrganisationFactory()), cohort)

    own = services.register(PersonFactory(organisation=municipality), cohort)
    assert own.status == Status.CONFIRMED


def test_another_organisations_contact_cannot_book_or_reserve_an_internal_cohort(
    programme, municipality
):
    cohort = internal_cohort(
        programme,
        municipality,
        naming_deadline=timezone.now() + dt.timedelta(days=5),
    )
    other = OrganisationFactory()
    contact = PersonFactory(organisation=other)
    other.employer_contacts.add(contact)
    manager = PersonFactory(organisation=other)

    (result,) = services.book_for_others(
        cohort, [manager], actor=contact, organisation=other
    )
    with pytest.raises(services.NotAllowed):
        services.reserve_seats(
            cohort, actor=contact, organisation=other, seats_wanted=1
        )

    assert result.outcome == "refused"
    assert "internal" in result.reason
    assert not cohort.registrations.exists()


def test_nobody_of_another_organisation_is_moved_into_an_internal_cohort(
    programme, spring, municipality
):
    cohort = internal_cohort(programme, municipality)
    seat = services.register(PersonFactory(organisation=OrganisationFactory()), spring)

    with pytest.raises(services.NotAllowed):
        services.move(seat, cohort, actor=PersonFactory())


def test_move_choices_offer_an_internal_cohort_only_to_its_organisations_people(
    client, programme, spring, municipality
):
    cohort = internal_cohort(programme, municipality)
    own = RegistrationFactory(
        cohort=spring, person=PersonFactory(organisation=municipality)
    )
    stranger = RegistrationFactory(
        cohort=spring, person=PersonFactory(organisation=OrganisationFactory())
    )
    client.force_login(OrganiserFactory(organiser_of=programme.organiser))

    html = client.get(
        reverse("registrations:organiser-cohort", args=[spring.pk])
    ).content.decode()

    own_row = html[html.index(f'id="registration-{own.pk}"') :]
    own_row = own_row[: own_row.index("</tr>")]
    stranger_row = html[html.index(f'id="registration-{stranger.pk}"') :]
    stranger_row = stranger_row[: stranger_row.index("</tr>")]
    assert f'<option value="{cohort.pk}">' in own_row
    assert f'<option value="{cohort.pk}">' not in stranger_row


def test_the_programme_page_shows_an_internal_cohort_only_to_its_people(
    client, programme, spring, municipality
):
    programme.is_published = True
    programme.save()
    cohort = internal_cohort(programme, municipality)
    url = reverse("registrations:programme-detail", args=[programme.slug])

    anonymous = client.get(url).content.decode()
    client.force_login(PersonFactory(organisation=municipality))
    own = client.get(url).content.decode()

    assert cohort.get_absolute_url() not in anonymous
    assert spring.get_absolute_url() in anonymous
    assert cohort.get_absolute_url() in own


def test_the_employer_page_offers_an_internal_cohort_only_to_its_contacts(
    client, programme, municipality, contact
):
    programme.is_published = True
    programme.save()
    cohort = internal_cohort(programme, municipality)
    other = OrganisationFactory()
    other_contact = PersonFactory(organisation=other)
    other.employer_contacts.add(other_contact)
    url = reverse("registrations:employer-home")

    client.force_login(other_contact)
    theirs = client.get(url).content.decode()
    client.force_login(contact)
    ours = client.get(url).content.decode()

    book = reverse("registrations:employer-book", args=[cohort.pk])
    assert book not in theirs
    assert book in ours


def test_another_organisations_contact_cannot_reserve_seats_in_an_internal_programme():
    programme = ProgrammeFactory(is_internal=True)
    cohort = CohortFactory(
        programme=programme, naming_deadline=timezone.now() + dt.timedelta(days=5)
    )
    other = OrganisationFactory()
    contact = PersonFactory(organisation=other)
    other.employer_contacts.add(contact)

    with pytest.raises(services.NotAllowed, match="internal"):
        services.reserve_seats(
            cohort, actor=contact, organisation=other, seats_wanted=1
        )

    assert not cohort.reservations.exists()
