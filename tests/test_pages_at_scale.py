"""The most-used pages cost the same number of queries with more data.

Each test counts the queries of one page on a small installation, adds more of
what the page lists or summarises (programmes, cohorts, registrations,
evaluations, people), and counts again: the count must not change. The large
installation itself (50,000 people) is measured by `make bench-pages`, not
here; these tests keep `make test` fast and catch an N+1 query at once.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.evaluations.tests.factories import (
    EvaluationFactory,
    EvaluationFormFactory,
    QuestionFactory,
    answer_as,
    close,
)
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory
from tillit.registrations.views.catalogue import CATALOGUE_PAGE_SIZE
from tillit.registrations.views.organiser import REGISTRATIONS_PAGE_SIZE
from tillit.rollouts.tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def organiser_org():
    return OrganisationFactory(name="Ekonomistyrningsverket", kind="agency")


@pytest.fixture
def organiser(organiser_org):
    return OrganiserFactory(organisation=organiser_org, organiser_of=organiser_org)


@pytest.fixture
def programme(organiser_org):
    return ProgrammeFactory(organiser=organiser_org)


@pytest.fixture
def cohort(programme):
    cohort = CohortFactory(programme=programme, capacity=500)
    SessionFactory(cohort=cohort)
    return cohort


def more_programmes(count, organiser_org=None):
    for _ in range(count):
        programme = ProgrammeFactory(organiser=organiser_org or OrganisationFactory())
        TargetRuleFactory(programme=programme, sectors=["state", "municipal"])
        cohort = CohortFactory(programme=programme)
        SessionFactory(cohort=cohort)
        RegistrationFactory(cohort=cohort)


def more_registrations(cohort, count, status=Registration.Status.CONFIRMED):
    organisations = [OrganisationFactory() for _ in range(3)]
    for n in range(count):
        RegistrationFactory(
            cohort=cohort,
            status=status,
            person=PersonFactory(organisation=organisations[n % 3]),
        )


@pytest.mark.parametrize(
    "query",
    ["", "?q=Strategisk", "?format=blended&format=digital&sector=state", "?page=2"],
)
def test_catalogue_queries_do_not_grow_with_the_programmes(client, query, cohort):
    more_programmes(CATALOGUE_PAGE_SIZE + 2)
    url = reverse("registrations:catalogue") + query
    before = count_queries(client, url)

    more_programmes(CATALOGUE_PAGE_SIZE)

    assert count_queries(client, url) == before


def test_catalogue_shows_one_page_of_programmes_with_links_to_the_next(client):
    more_programmes(CATALOGUE_PAGE_SIZE + 3)

    response = client.get(reverse("registrations:catalogue"))

    assert len(response.context["cards"]) == CATALOGUE_PAGE_SIZE
    assert response.context["page"].paginator.count == CATALOGUE_PAGE_SIZE + 3
    assert b'rel="next"' in response.content
    assert b'aria-current="page"' in response.content
    last = client.get(reverse("registrations:catalogue") + "?page=2")
    assert len(last.context["cards"]) == 3


def test_programme_and_cohort_pages_do_not_grow_with_registrations(
    client, programme, cohort
):
    participant = PersonFactory()
    client.force_login(participant)
    urls = [programme.get_absolute_url(), cohort.get_absolute_url()]
    more_registrations(cohort, 3)
    CohortFactory(programme=programme)
    before = [count_queries(client, url) for url in urls]

    more_registrations(cohort, 20)
    more_registrations(CohortFactory(programme=programme), 5)

    assert [count_queries(client, url) for url in urls] == before


def _join(person, count):
    for _ in range(count):
        cohort = CohortFactory(
            programme=ProgrammeFactory(),
            starts_on=timezone.localdate() - dt.timedelta(days=5),
        )
        SessionFactory(cohort=cohort)
        SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=3))
        RegistrationFactory(cohort=cohort, person=person)


def test_my_learning_and_my_programmes_do_not_grow_with_ones_cohorts(client):
    participant = PersonFactory()
    client.force_login(participant)
    urls = [reverse("portal:home"), reverse("registrations:my-programmes")]
    _join(participant, 2)
    before = [count_queries(client, url) for url in urls]

    _join(participant, 4)

    assert [count_queries(client, url) for url in urls] == before


def test_organiser_pages_do_not_grow_with_registrations(
    client, organiser, programme, cohort
):
    client.force_login(organiser)
    urls = [
        reverse("registrations:organiser-home"),
        reverse("registrations:organiser-programme", args=[programme.pk]),
        reverse("registrations:organiser-cohort", args=[cohort.pk]),
        reverse("registrations:organiser-cohort", args=[cohort.pk]) + "?page=2",
    ]
    more_registrations(cohort, 3)
    more_registrations(cohort, 2, Registration.Status.WAITLISTED)
    before = [count_queries(client, url) for url in urls]

    more_registrations(cohort, REGISTRATIONS_PAGE_SIZE + 5)
    more_registrations(cohort, 4, Registration.Status.WAITLISTED)

    assert [count_queries(client, url) for url in urls] == before


def test_organisers_cohort_page_lists_registrations_a_page_at_a_time(
    client, organiser, cohort
):
    client.force_login(organiser)
    more_registrations(cohort, REGISTRATIONS_PAGE_SIZE + 2)
    more_registrations(cohort, 3, Registration.Status.WAITLISTED)
    url = reverse("registrations:organiser-cohort", args=[cohort.pk])

    first = client.get(url)
    second = client.get(url + "?page=2&waitlist_page=1")

    assert len(first.context["confirmed"]) == REGISTRATIONS_PAGE_SIZE
    assert first.context["availability"].confirmed == REGISTRATIONS_PAGE_SIZE + 2
    assert sum(row.seats for row in first.context["organisations"]) == (
        REGISTRATIONS_PAGE_SIZE + 2
    )
    assert len(second.context["confirmed"]) == 2
    assert [position for position, _r in second.context["waitlist"]] == [1, 2, 3]
    assert b'href="?page=1&amp;waitlist_page=1" rel="prev"' in second.content


def test_hr_dashboard_does_not_grow_with_the_organisations_managers(client):
    org = OrganisationFactory(name="Exempelkommun")
    hr = PersonFactory(organisation=org)
    org.employer_contacts.add(hr)
    client.force_login(hr)
    url = reverse("rollouts:dashboard", args=[org.pk])
    for _ in range(3):
        EmploymentFactory(organisation=org)
    before = count_queries(client, url)

    for _ in range(25):
        EmploymentFactory(organisation=org)

    assert count_queries(client, url) == before


def _evaluated_cohort(programme, form, answers):
    cohort = CohortFactory(
        programme=programme,
        starts_on=timezone.localdate() - dt.timedelta(days=90),
        ends_on=timezone.localdate() - dt.timedelta(days=30),
    )
    evaluation = EvaluationFactory(cohort=cohort, form=form)
    people = [RegistrationFactory(cohort=cohort).person for _ in range(answers)]
    questions = list(form.questions.all())
    answer_as(evaluation, people, lambda i: {q: 1 + i % 5 for q in questions})
    close(evaluation)
    return cohort


def test_evaluation_results_do_not_grow_with_cohorts_and_answers(
    client, organiser, organiser_org, programme
):
    form = EvaluationFormFactory(organisation=organiser_org)
    QuestionFactory(form=form)
    QuestionFactory(form=form)
    client.force_login(organiser)
    first = _evaluated_cohort(programme, form, 5)
    urls = [
        reverse("evaluations:overview"),
        reverse("evaluations:programme-results", args=[programme.pk]),
        reverse("evaluations:cohort-results", args=[first.pk]),
    ]
    _evaluated_cohort(programme, form, 5)
    before = [count_queries(client, url) for url in urls]

    for _ in range(3):
        _evaluated_cohort(programme, form, 6)

    assert [count_queries(client, url) for url in urls] == before


def test_programme_comparison_shows_the_newest_cohorts_a_page_at_a_time(
    client, organiser, organiser_org, programme
):
    from tillit.evaluations.views import COMPARED_COHORTS

    form = EvaluationFormFactory(organisation=organiser_org)
    QuestionFactory(form=form)
    cohorts = [
        _evaluated_cohort(programme, form, 5) for _ in range(COMPARED_COHORTS + 1)
    ]
    client.force_login(organiser)
    url = reverse("evaluations:programme-results", args=[programme.pk])

    first = client.get(url)
    second = client.get(url + "?cohorts_page=2")

    assert [c.cohort for c in first.context["columns"]] == cohorts[1:]
    assert [c.cohort for c in second.context["columns"]] == cohorts[:1]
    assert b'href="?cohorts_page=2" rel="next"' in first.content


def test_api_lists_do_not_grow_with_the_data(client, organiser, programme, cohort):
    participant = PersonFactory()
    public = [reverse("api:programme-list"), reverse("api:cohort-list")]
    own = [reverse("api:my-registrations")]
    organiser_urls = [
        reverse("api:organiser-cohorts", args=[programme.pk]),
        reverse("api:organiser-cohort-registrations", args=[cohort.pk]),
    ]

    def counts():
        result = [count_queries(client, url) for url in public]
        client.force_login(participant)
        result += [count_queries(client, url) for url in own]
        client.force_login(organiser)
        result += [count_queries(client, url) for url in organiser_urls]
        client.logout()
        return result

    more_programmes(2)
    RegistrationFactory(person=participant)
    more_registrations(cohort, 2)
    before = counts()

    more_programmes(8)
    for _ in range(4):
        RegistrationFactory(person=participant)
    more_registrations(cohort, 10)
    more_registrations(cohort, 3, Registration.Status.WAITLISTED)
    CohortFactory(programme=programme)

    assert counts() == before


def test_api_lists_page_25_at_a_time_and_never_more_than_100(client, programme):
    CohortFactory.create_batch(101, programme=programme)
    url = reverse("api:cohort-list")

    first = client.get(url).json()
    asked = client.get(url, {"limit": 1000}).json()

    assert len(first["results"]) == 25
    assert first["count"] == 101
    assert "offset=25" in first["next"]
    assert len(asked["results"]) == 100
    assert client.get(url, {"limit": 5, "offset": 100}).json()["next"] is None


# Exports and calendar files of a large cohort stream -----------------------------


def _fill(cohort, count):
    """`count` confirmed people in the cohort, written in bulk (fast)."""
    from tillit.core.models import Person

    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            email=f"bulk{start + n}@example.org",
            first_name="Alva",
            last_name=f"Exempel{start + n}",
            password="!",
            organisation=cohort.programme.organiser,
        )
        for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(cohort=cohort, person=p, status=Registration.Status.CONFIRMED)
        for p in people
    )


def _peak_bytes(client, url):
    """Peak memory traced while the response is made and read to the end."""
    import tracemalloc

    tracemalloc.start()
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    size = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cohort_export_streams_with_memory_that_does_not_grow_with_the_cohort(
    client, organiser, cohort, fmt, monkeypatch
):
    from tillit.registrations import exports

    monkeypatch.setattr(exports, "CHUNK", 50)
    client.force_login(organiser)
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, fmt])
    _fill(cohort, 100)
    client.get(url)  # templates, translations and imports loaded before measuring
    small_peak, small_size = _peak_bytes(client, url)

    _fill(cohort, 900)
    large_peak, large_size = _peak_bytes(client, url)

    assert large_size > 3 * small_size
    assert large_peak < 2 * small_peak


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cohort_export_streams_in_many_chunks_what_the_export_holds(
    client, organiser, cohort, fmt
):
    import io

    import openpyxl

    from tillit.registrations import exports

    client.force_login(organiser)
    _fill(cohort, 300)
    url = reverse("registrations:organiser-cohort-export", args=[cohort.pk, fmt])

    response = client.get(url)

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    body = b"".join(chunks)
    if fmt == "csv":
        assert body == exports.to_csv(cohort)
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        listed = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        expected = exports.rows(cohort)
        assert len(listed) == len(expected) == 300
        for got, wanted in zip(listed, expected, strict=True):
            same = [_same_cell(a, b) for a, b in zip(got, wanted, strict=True)]
            assert all(same), (got, wanted)


def _same_cell(read, written):
    """A cell read back from .xlsx holds what was written: empty text reads as
    no value, and times (fractions of a day) keep the millisecond."""
    if isinstance(written, dt.datetime):
        return abs(read - written) <= dt.timedelta(milliseconds=1)
    return read == (None if written == "" else written)


def _answered(evaluation, count):
    """`count` anonymous responses to every question, written in bulk (fast)."""
    from tillit.evaluations.models import Answer, Response

    responses = Response.objects.bulk_create(
        Response(evaluation=evaluation, submitted_on=timezone.localdate())
        for _ in range(count)
    )
    questions = list(evaluation.form.questions.all())
    Answer.objects.bulk_create(
        Answer(response=r, question=q, number=1 + n % 5)
        for n, r in enumerate(responses)
        for q in questions
    )


def test_evaluation_export_streams_with_memory_that_does_not_grow_with_answers(
    client, organiser, organiser_org, cohort, monkeypatch
):
    import io

    import openpyxl

    from tillit.evaluations import exports

    monkeypatch.setattr(exports, "CHUNK", 50)
    form = EvaluationFormFactory(organisation=organiser_org)
    QuestionFactory(form=form)
    QuestionFactory(form=form)
    evaluation = close(EvaluationFactory(cohort=cohort, form=form))
    client.force_login(organiser)
    url = reverse("evaluations:evaluation-export", args=[evaluation.pk])
    _answered(evaluation, 50)
    client.get(url)  # imports and translations loaded before measuring
    small_peak, small_size = _peak_bytes(client, url)

    _answered(evaluation, 450)
    large_peak, large_size = _peak_bytes(client, url)

    assert large_size > 3 * small_size
    assert large_peak < 2 * small_peak
    body = b"".join(client.get(url).streaming_content)
    answers = openpyxl.load_workbook(io.BytesIO(body)).worksheets[1]
    assert answers.max_row == 1 + 500 * 2


def test_cohort_calendar_streams_every_session(client, cohort):
    import icalendar

    for n in range(5):
        SessionFactory(
            cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=40 + n)
        )

    response = client.get(reverse("programmes:cohort-ics", args=[cohort.pk]))

    assert response.streaming
    parsed = icalendar.Calendar.from_ical(b"".join(response.streaming_content))
    assert len(list(parsed.walk("VEVENT"))) == 6
    assert len(list(parsed.walk("VTIMEZONE"))) == 1


# Read-only pages a cache may keep ---------------------------------------------------


def test_public_catalogue_api_may_be_kept_by_a_shared_cache(client, cohort):
    response = client.get(reverse("api:programme-list"))

    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_catalogue_page_may_be_kept_by_the_visitors_own_browser_only(client, cohort):
    response = client.get(reverse("registrations:catalogue"))

    assert "private" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_pages_for_a_signed_in_person_are_never_cached(client, cohort):
    client.force_login(PersonFactory())

    for url in [reverse("registrations:catalogue"), reverse("api:programme-list")]:
        control = client.get(url)["Cache-Control"]
        assert "no-store" in control
        assert "public" not in control
