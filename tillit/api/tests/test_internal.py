"""Internal programmes (an organisation's own, e.g. its rollout cohorts) are not
in the public catalogue or the API and take only their organisation's people
(issue 16: an outsider got a confirmed seat in Linköping's rollout cohort
through the API)."""

import pytest
from django.urls import reverse

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def linkoping():
    return OrganisationFactory(name="Linköpings kommun")


@pytest.fixture
def cohort(linkoping):
    programme = ProgrammeFactory(
        organiser=linkoping, title="Chefsprogrammet", is_internal=True
    )
    return CohortFactory(programme=programme)


@pytest.fixture
def outsider():
    return PersonFactory(organisation=OrganisationFactory(name="Grannkommunen"))


def test_outsider_registering_through_the_api_gets_404_and_no_seat(
    api, cohort, outsider
):
    api.force_authenticate(outsider)

    response = api.post(reverse("api:cohort-register", args=[cohort.pk]))

    assert response.status_code == 404
    assert response.json()["message"]
    assert not Registration.objects.filter(person=outsider).exists()


def test_registration_service_refuses_an_outsider(cohort, outsider):
    with pytest.raises(services.NotEligible) as refusal:
        services.register(outsider, cohort)

    assert "internal to Linköpings kommun" in str(refusal.value)
    assert not Registration.objects.filter(person=outsider).exists()


def test_registration_service_accepts_the_organisations_own_people(cohort, linkoping):
    insider = PersonFactory(organisation=linkoping)

    registration = services.register(insider, cohort)

    assert registration.status == Registration.Status.CONFIRMED


def test_employer_of_another_organisation_cannot_book_into_it(api, cohort, outsider):
    outsider.organisation.employer_contacts.add(outsider)
    colleague = PersonFactory(organisation=outsider.organisation)
    api.force_authenticate(outsider)

    response = api.post(
        reverse("api:employer-bookings", args=[cohort.pk]),
        {"organisation": outsider.organisation.pk, "people": [colleague.pk]},
        format="json",
    )
    outcomes = services.book_for_others(
        cohort, [colleague], actor=outsider, organisation=outsider.organisation
    )

    assert response.status_code == 404
    assert [o.outcome for o in outcomes] == ["refused"]
    assert not Registration.objects.filter(person=colleague).exists()


def test_internal_programme_is_in_no_public_api_list_or_detail(api, cohort, outsider):
    public = CohortFactory()

    for client_person in (None, outsider):
        api.force_authenticate(client_person)
        programmes = api.get(reverse("api:programme-list")).json()
        cohorts = api.get(reverse("api:cohort-list")).json()
        detail = api.get(reverse("api:programme-detail", args=[cohort.programme.pk]))
        cohort_detail = api.get(reverse("api:cohort-detail", args=[cohort.pk]))

        listed = [p["id"] for p in programmes["results"]]
        assert listed == [public.programme.pk]
        assert [c["id"] for c in cohorts["results"]] == [public.pk]
        assert detail.status_code == 404
        assert cohort_detail.status_code == 404


def test_internal_programme_is_not_in_the_web_catalogue(client, cohort, outsider):
    CohortFactory(programme__title="Öppet program")
    client.force_login(outsider)

    catalogue = client.get(reverse("registrations:catalogue")).content.decode()
    detail = client.get(cohort.programme.get_absolute_url())
    cohort_page = client.get(reverse("registrations:cohort-detail", args=[cohort.pk]))
    register = client.post(reverse("registrations:cohort-register", args=[cohort.pk]))

    assert "Öppet program" in catalogue
    assert "Chefsprogrammet" not in catalogue
    assert detail.status_code == 404
    assert cohort_page.status_code == 404
    assert register.status_code == 404
    assert not Registration.objects.filter(person=outsider).exists()


def test_the_organisations_own_people_see_it_and_register_on_the_web(
    client, cohort, linkoping
):
    insider = PersonFactory(organisation=linkoping)
    client.force_login(insider)

    detail = client.get(cohort.programme.get_absolute_url())
    client.post(reverse("registrations:cohort-register", args=[cohort.pk]))

    assert detail.status_code == 200
    assert Registration.objects.filter(person=insider, cohort=cohort).exists()
