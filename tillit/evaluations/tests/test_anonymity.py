"""The attacks of issue 16 on anonymous evaluations, each as a test.

1. Row order: the response and the receipt were written in one transaction, so
   ordering both tables by the order rows were written linked every answer to a
   name. 2. Reload before and after: the results page changed when one person
   answered. 3. A count below the threshold ("hittills 4") was shown.
"""

import re

import pytest
from django.db import connection, models
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory
from tillit.evaluations import services
from tillit.evaluations.models import Answer, Question, Receipt, Response

from .factories import (
    EvaluationFactory,
    QuestionFactory,
    answer_as,
    close,
    participants,
)

pytestmark = pytest.mark.django_db
PEOPLE = 8


@pytest.fixture
def evaluation():
    evaluation = EvaluationFactory()
    QuestionFactory(form=evaluation.form, kind=Question.Kind.NPS, position=1)
    return evaluation


def _physical_order(table, column, evaluation):
    """`column` of the evaluation's rows in the order they lie in the table:
    SQLite's rowid, PostgreSQL's ctid (what a plain SELECT without ORDER BY
    returns, and what a dump holds)."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE evaluation_id = %s ORDER BY {order}",
            [evaluation.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def _answer_in_order(evaluation):
    """Each of PEOPLE participants answers in turn, person i with the value i."""
    people = participants(evaluation.cohort, PEOPLE)
    question = evaluation.form.questions.get()
    answer_as(evaluation, people, lambda i: {question: i})
    return people, question


def test_receipts_do_not_lie_in_the_order_people_answered(evaluation):
    people, _question = _answer_in_order(evaluation)

    receipts = _physical_order("evaluations_receipt", "person_id", evaluation)

    assert sorted(receipts) == sorted(p.pk for p in people)
    answered = [p.pk for p in people]
    assert receipts != answered
    assert receipts != answered[::-1]


def test_row_order_does_not_link_answers_to_names(evaluation):
    people, question = _answer_in_order(evaluation)
    value_of = dict(
        Answer.objects.filter(question=question).values_list("response_id", "number")
    )

    responses = _physical_order("evaluations_response", "id", evaluation)
    receipts = _physical_order("evaluations_receipt", "person_id", evaluation)
    guessed = {
        person: value_of[_uuid(response)]
        for person, response in zip(receipts, responses, strict=True)
    }

    truth = {person.pk: index for index, person in enumerate(people)}
    assert guessed != truth


def _uuid(value):
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def test_nothing_stored_orders_or_times_an_answer_or_points_from_receipt_to_it():
    for model in (Response, Answer, Receipt):
        assert isinstance(model._meta.pk, models.UUIDField), model
        assert not any(
            isinstance(field, models.DateTimeField)
            for field in model._meta.concrete_fields
        ), model
    assert not any(
        field.related_model in (Response, Answer)
        for field in Receipt._meta.concrete_fields
        if field.is_relation
    )


def _page(client, url):
    """The page's results, from the first results section on, without what
    changes on every request (the CSRF token, nonces). The number of answers
    in the cohort's table of evaluations may grow while an evaluation is open
    (organisers follow the response rate); what was answered may not show."""
    html = client.get(url).content.decode()
    html = html[html.index('class="results-section"') :]
    html = re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


@pytest.mark.parametrize("scope", ["evaluation", "cohort", "programme"])
def test_results_do_not_change_when_one_more_person_answers(client, evaluation, scope):
    question = evaluation.form.questions.get()
    answer_as(evaluation, participants(evaluation.cohort, 5), lambda i: {question: 9})
    client.force_login(OrganiserFactory(organiser_of=evaluation.form.organisation))
    pk = {
        "evaluation": evaluation.pk,
        "cohort": evaluation.cohort.pk,
        "programme": evaluation.cohort.programme.pk,
    }[scope]
    url = reverse(f"evaluations:{scope}-results", args=[pk])
    before = _page(client, url)

    (late,) = participants(evaluation.cohort, 1)
    services.submit(evaluation, late, {question: 0})
    after = _page(client, url)

    assert after == before
    close(evaluation)
    assert "data-nps" in _page(client, url)


def test_cohort_page_shows_no_count_below_the_threshold(client, evaluation):
    question = evaluation.form.questions.get()
    answer_as(evaluation, participants(evaluation.cohort, 4), lambda i: {question: 9})
    close(evaluation)
    client.force_login(OrganiserFactory(organiser_of=evaluation.form.organisation))

    url = reverse("evaluations:cohort-evaluations", args=[evaluation.cohort.pk])
    html = client.get(url).content.decode()
    results = reverse("evaluations:cohort-results", args=[evaluation.cohort.pk])
    results_html = client.get(results).content.decode()

    assert "fewer than 5" in html
    assert not re.search(r'class="numeric">\s*4\s*<', html + results_html)
    assert "so far" not in results_html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_every_receipt_is_rewritten_by_the_latest_answer(evaluation):
    _answer_in_order(evaluation)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM evaluations_receipt"
            " WHERE evaluation_id = %s",
            [evaluation.pk],
        )
        (transactions,) = cursor.fetchone()

    assert transactions == 1
