import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tillit.core.models import RoleCategory, Sector
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.models import Programme, Theme
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations.models import ExceptionRequest, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status
CATALOGUE = reverse("registrations:catalogue")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the msgids."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password for every person; the slow default hasher
    would make up most of these tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logged_in(client, person=None):
    person = person or PersonFactory()
    client.force_login(person)
    return person


def catalogue_titles(response):
    return [card["programme"].title for card in response.context["cards"]]


# Catalogue


def test_catalogue_lists_published_programmes_only(client):
    ProgrammeFactory(title="Chefsprogram i staten")
    ProgrammeFactory(title="Utkast", is_published=False)

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert catalogue_titles(response) == ["Chefsprogram i staten"]
    assert b"<h1>" in response.content


def test_catalogue_card_shows_next_cohort_and_availability(client):
    cohort = CohortFactory(capacity=30, starts_on=dt.date(2099, 4, 3))
    RegistrationFactory.create_batch(18, cohort=cohort)
    CohortFactory(programme=cohort.programme, starts_on=dt.date(2099, 9, 2))

    response = client.get(CATALOGUE)

    assert response.context["cards"][0]["next_cohort"] == cohort
    assert "12 of 30 seats left" in response.text
    assert "3 April 2099" in response.text


def test_catalogue_card_says_fully_booked(client):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)

    response = client.get(CATALOGUE)

    assert "Fully booked: join the waitlist" in response.text


def test_catalogue_search_matches_title_and_theme(client):
    ProgrammeFactory(title="Leda digitalisering i välfärden")
    themed = ProgrammeFactory(title="Chefsprogram")
    themed.themes.add(Theme.objects.create(name="Förändringsledning"))
    ProgrammeFactory(title="Något annat")

    by_title = client.get(CATALOGUE, {"q": "digitalisering"})
    by_theme = client.get(CATALOGUE, {"q": "förändring"})

    assert catalogue_titles(by_title) == ["Leda digitalisering i välfärden"]
    assert catalogue_titles(by_theme) == ["Chefsprogram"]


def test_catalogue_filters_by_format(client):
    ProgrammeFactory(title="Digitalt", format=Programme.Format.DIGITAL)
    ProgrammeFactory(title="På plats", format=Programme.Format.ON_SITE)

    response = client.get(CATALOGUE, {"format": ["digital"]})

    assert catalogue_titles(response) == ["Digitalt"]


def test_catalogue_filters_by_target_group(client):
    TargetRuleFactory(programme__title="För staten", sectors=[Sector.STATE])
    TargetRuleFactory(
        programme__title="För HR-direktörer i kommuner",
        sectors=[Sector.MUNICIPAL],
        role_categories=[RoleCategory.HR_DIRECTOR],
    )

    municipal = client.get(CATALOGUE, {"sector": "municipal"})
    finance = client.get(CATALOGUE, {"sector": "municipal", "role": "finance_director"})

    assert catalogue_titles(municipal) == ["För HR-direktörer i kommuner"]
    assert catalogue_titles(finance) == []
    assert "No programmes match your search." in finance.text


def test_catalogue_target_group_takes_programmes_without_rules_and_any_fitting_rule(
    client,
):
    ProgrammeFactory(title="För alla")
    TargetRuleFactory(programme__title="Alla sektorer, HR", sectors=[])
    both = TargetRuleFactory(programme__title="Två grupper", sectors=[Sector.STATE])
    TargetRuleFactory(programme=both.programme, sectors=[Sector.MUNICIPAL])
    TargetRuleFactory(
        programme__title="Region och stat", sectors=[Sector.REGIONAL, Sector.STATE]
    )

    municipal = client.get(CATALOGUE, {"sector": "municipal"})
    region = client.get(CATALOGUE, {"sector": "regional"})

    assert sorted(catalogue_titles(municipal)) == [
        "Alla sektorer, HR",
        "För alla",
        "Två grupper",
    ]
    assert sorted(catalogue_titles(region)) == [
        "Alla sektorer, HR",
        "För alla",
        "Region och stat",
    ]


def test_catalogue_filters_by_organiser(client):
    ours = ProgrammeFactory(
        title="Vårt", organiser=OrganisationFactory(name="Regeringskansliet")
    )
    ProgrammeFactory(title="Deras")

    response = client.get(CATALOGUE, {"organiser": ours.organiser.pk})

    assert catalogue_titles(response) == ["Vårt"]


def test_catalogue_filters_by_start_dates(client):
    CohortFactory(programme__title="Våren", starts_on=dt.date(2099, 4, 3))
    CohortFactory(programme__title="Hösten", starts_on=dt.date(2099, 9, 2))

    response = client.get(
        CATALOGUE, {"starts_after": "2099-08-01", "starts_before": "2099-12-31"}
    )

    assert catalogue_titles(response) == ["Hösten"]


def test_catalogue_ignores_an_invalid_filter_and_says_why(client):
    ProgrammeFactory(title="Chefsprogram")

    response = client.get(
        CATALOGUE, {"starts_after": "2099-09-01", "starts_before": "2099-01-01"}
    )

    assert response.status_code == 200
    assert "The end of the period must come after its start." in response.text


def test_catalogue_htmx_request_gets_the_results_partial_only(client):
    ProgrammeFactory(title="Chefsprogram")

    response = client.get(CATALOGUE, {"q": "chef"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Chefsprogram" in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "HX-Request" in response["Vary"]


def test_catalogue_history_restore_gets_the_whole_page(client):
    response = client.get(
        CATALOGUE, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.text


def test_catalogue_query_count_does_not_grow_with_programmes(
    client, django_assert_num_queries
):
    for _ in range(2):
        cohort = CohortFactory()
        cohort.programme.themes.add(Theme.objects.create(name=f"Tema {cohort.pk}"))
        TargetRuleFactory(programme=cohort.programme)
        RegistrationFactory(cohort=cohort)
    client.get(CATALOGUE)  # warm the session and content-type caches

    # One more than before paging: the page's programmes, and their count.
    with django_assert_num_queries(6) as few:
        client.get(CATALOGUE)
    for _ in range(5):
        cohort = CohortFactory()
        cohort.programme.themes.add(Theme.objects.create(name=f"Tema {cohort.pk}"))
        TargetRuleFactory(programme=cohort.programme)
        RegistrationFactory(cohort=cohort)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(CATALOGUE)

    assert len(response.context["cards"]) == 7


def test_filtered_catalogue_queries_do_not_grow_in_number_or_size_with_programmes(
    client, django_assert_num_queries
):
    """The target-group filter is part of the query: no list of the matching
    programmes' keys in the SQL, however many there are."""
    filters = {"sector": "municipal", "role": "hr_director", "format": "blended"}

    def add_programmes(n):
        for _ in range(n):
            cohort = CohortFactory(programme__format=Programme.Format.BLENDED)
            TargetRuleFactory(programme=cohort.programme, sectors=[Sector.MUNICIPAL])
            RegistrationFactory(cohort=cohort)

    add_programmes(13)
    client.get(CATALOGUE, filters)  # warm the session and content-type caches
    with django_assert_num_queries(6) as fewer:
        client.get(CATALOGUE, filters)
    add_programmes(13)
    with django_assert_num_queries(len(fewer.captured_queries)) as more:
        response = client.get(CATALOGUE, filters)

    assert len(response.context["cards"]) == 12
    assert response.context["page"].paginator.count == 26

    def shapes(captured):
        """The statements with their numbers (keys, dates) blanked out."""
        return [re.sub(r"\d+", "0", query["sql"]) for query in captured]

    assert shapes(more.captured_queries) == shapes(fewer.captured_queries)


# Programme page


def test_programme_page_shows_target_group_contacts_and_cohorts(client):
    contact = PersonFactory(
        first_name="Karin", last_name="Lund", title="Programansvarig"
    )
    cohort = CohortFactory(
        name="Hösten 2099", programme__fee=12500, programme__target_group="Chefer."
    )
    programme = cohort.programme
    programme.contact_persons.add(contact)
    TargetRuleFactory(programme=programme, sectors=[Sector.STATE])
    SessionFactory.create_batch(2, cohort=cohort)

    response = client.get(programme.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "Karin Lund" in text and contact.email in text
    assert "Programansvarig" in text
    assert "Hösten 2099" in text
    assert "30 of 30 seats left" in text
    assert "State" in text
    assert response.context["cohort_rows"][0]["cohort"].n_sessions == 2


def test_programme_page_of_unpublished_programme_is_not_found(client):
    programme = ProgrammeFactory(is_published=False)

    response = client.get(programme.get_absolute_url())

    assert response.status_code == 404


def test_programme_page_tells_an_ineligible_person_why(client):
    rule = TargetRuleFactory(sectors=[Sector.STATE])
    logged_in(client)

    response = client.get(rule.programme.get_absolute_url())

    assert "You are outside the target group" in response.text
    assert (
        reverse("registrations:exception-request", args=[rule.programme.slug])
        in response.text
    )


# Cohort page and its signup block


def test_cohort_page_lists_sessions_with_local_times(client, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    cohort = CohortFactory()
    teacher = PersonFactory(first_name="Lars", last_name="Berg")
    session = SessionFactory(
        cohort=cohort,
        title="Strategisk styrning",
        starts_at=dt.datetime(2099, 4, 3, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2099, 4, 3, 10, 0, tzinfo=dt.UTC),
    )
    session.teachers.add(teacher)

    response = client.get(cohort.get_absolute_url())

    assert response.status_code == 200
    assert "Strategisk styrning" in response.text
    assert "09:00–12:00" in response.text
    assert "Lars Berg" in response.text


def test_cohort_page_says_when_registration_opens(client):
    cohort = CohortFactory(
        registration_opens_at=timezone.make_aware(dt.datetime(2099, 1, 27, 9, 0)),
        registration_closes_at=timezone.make_aware(dt.datetime(2099, 3, 1, 9, 0)),
    )
    logged_in(client)

    response = client.get(cohort.get_absolute_url())

    assert "Registration opens on 27 January 2099 at 09:00." in response.text
    assert 'id="signup-register"' not in response.text


def test_cohort_page_asks_an_anonymous_visitor_to_log_in(client):
    cohort = CohortFactory()

    response = client.get(cohort.get_absolute_url())

    assert "Log in to register" in response.text
    assert 'id="signup-register"' not in response.text


def test_cohort_page_offers_an_eligible_person_to_register(client):
    cohort = CohortFactory()
    logged_in(client)

    response = client.get(cohort.get_absolute_url())

    assert 'id="signup"' in response.text
    assert ">Register</button>" in response.text
    assert reverse("registrations:cohort-register", args=[cohort.pk]) in response.text


def test_cohort_page_offers_the_waitlist_when_full(client):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    logged_in(client)

    response = client.get(cohort.get_absolute_url())

    assert "Fully booked: join the waitlist" in response.text
    assert ">Join the waitlist</button>" in response.text


def test_cohort_page_says_registration_has_closed(client):
    cohort = CohortFactory(
        registration_opens_at=timezone.now() - dt.timedelta(days=10),
        registration_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    logged_in(client)

    response = client.get(cohort.get_absolute_url())

    assert "Registration has closed." in response.text


def test_cohort_page_shows_the_waitlist_position_and_a_cancel_button(client):
    cohort = CohortFactory(capacity=1)
    RegistrationFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    mine = RegistrationFactory(
        cohort=cohort, status=Status.WAITLISTED, person=logged_in(client)
    )

    response = client.get(cohort.get_absolute_url())

    assert "You are number 2 on the waitlist." in response.text
    assert reverse("registrations:registration-cancel", args=[mine.pk]) in response.text


def test_cohort_page_shows_an_ineligible_person_the_reasons(client):
    cohort = CohortFactory()
    TargetRuleFactory(programme=cohort.programme, sectors=[Sector.STATE])
    logged_in(client)

    response = client.get(cohort.get_absolute_url())

    assert "The programme is for the State sector" in response.text
    assert "Ask the organiser for an exception" in response.text
    assert 'id="signup-register"' not in response.text


def test_cohort_page_shows_a_pending_exception_request(client):
    cohort = CohortFactory()
    TargetRuleFactory(programme=cohort.programme, sectors=[Sector.STATE])
    person = logged_in(client)
    ExceptionRequest.objects.create(
        programme=cohort.programme, person=person, motivation="Jag leder ..."
    )

    response = client.get(cohort.get_absolute_url())

    assert "The request is being considered." in response.text


def test_cohort_page_htmx_poll_gets_the_signup_partial_only(client):
    cohort = CohortFactory()

    response = client.get(cohort.get_absolute_url(), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="signup"')
    assert 'hx-trigger="every 15s"' in response.text


def test_cohort_page_of_unpublished_programme_is_not_found(client):
    cohort = CohortFactory(programme__is_published=False)

    response = client.get(cohort.get_absolute_url())

    assert response.status_code == 404


# My programmes


def test_my_programmes_requires_login(client):
    response = client.get(reverse("registrations:my-programmes"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_programmes_shows_status_position_and_upcoming_sessions(client):
    person = logged_in(client)
    seat = RegistrationFactory(person=person, cohort__name="Våren 2099")
    SessionFactory(cohort=seat.cohort, title="Första sammankomsten")
    SessionFactory(
        cohort=seat.cohort,
        title="Redan hållen",
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
    )
    full = CohortFactory(capacity=1, name="Hösten 2099")
    RegistrationFactory(cohort=full)
    RegistrationFactory(cohort=full, status=Status.WAITLISTED)
    RegistrationFactory(cohort=full, status=Status.WAITLISTED, person=person)
    RegistrationFactory(
        person=person, status=Status.CANCELLED, cohort__name="Avbokad omgång"
    )
    RegistrationFactory(cohort__name="Någon annans")

    response = client.get(reverse("registrations:my-programmes"))

    text = response.text
    assert response.status_code == 200
    assert "Seat confirmed" in text
    assert "Waitlist, number 2" in text
    assert "Första sammankomsten" in text
    assert "Redan hållen" not in text
    assert "Avbokad omgång" in text
    assert "Någon annans" not in text
    assert len(response.context["current"]) == 2


def test_my_programmes_query_count_does_not_grow(client, django_assert_num_queries):
    person = logged_in(client)
    RegistrationFactory(person=person, status=Status.WAITLISTED)
    client.get(reverse("registrations:my-programmes"))

    with django_assert_num_queries(5) as few:
        client.get(reverse("registrations:my-programmes"))
    for _ in range(4):
        registration = RegistrationFactory(person=person, status=Status.WAITLISTED)
        SessionFactory(cohort=registration.cohort)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("registrations:my-programmes"))

    assert len(response.context["current"]) == 5


def test_catalogue_card_says_when_registration_opens(client):
    CohortFactory(
        registration_opens_at=timezone.make_aware(dt.datetime(2099, 1, 27, 9, 0)),
        registration_closes_at=timezone.make_aware(dt.datetime(2099, 3, 1, 9, 0)),
    )

    response = client.get(CATALOGUE)

    assert "Opens 27 January 2099" in response.text
    assert "seats left" not in response.text
