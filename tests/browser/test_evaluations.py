"""A participant answers a course evaluation from the open-evaluations link with
the keyboard, an organiser reads results of five answers; axe-core checks the
form builder, the answering page and the results page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tillit.core.tests.factories import OrganiserFactory
from tillit.evaluations import services
from tillit.evaluations.models import Question, Receipt
from tillit.evaluations.tests.factories import (
    EvaluationFactory,
    answer_as,
    close,
    participants,
)
from tillit.programmes.tests.factories import SessionFactory

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def evaluation(transactional_db):
    session = SessionFactory(title="Sammankomst 1: Styrningen i staten")
    evaluation = EvaluationFactory(cohort=session.cohort, session=session)
    form = services.copy_standard_form(
        evaluation.cohort.programme.organiser, actor=None
    )
    evaluation.form = form
    evaluation.save()
    return evaluation


def _blocking(axe, page):
    results = axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def _describe(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} {v['nodes'][0]['html'][:160]}" for v in violations
    )


def test_participant_answers_from_the_open_evaluations_link_with_the_keyboard(
    page, log_in_as, live_server, evaluation, axe
):
    (person,) = participants(evaluation.cohort, 1)
    person.preferred_language = "sv"
    person.save()
    log_in_as(person)
    # The partial as the lead includes it on the participant's pages.
    from django.template.loader import render_to_string

    from tillit.evaluations import selectors

    html = render_to_string(
        "evaluations/includes/open-evaluations.html",
        {"open_evaluations": selectors.open_evaluations_for(person)},
    )
    href = html.split('href="')[1].split('"')[0]
    page.goto(href)
    assert not (found := _blocking(axe, page)), _describe(found)

    questions = list(evaluation.form.questions.all())
    for question in questions:
        if question.kind in (Question.Kind.LIKERT, Question.Kind.NPS):
            page.locator(f"#id_q{question.pk}_0").focus()
            page.keyboard.press("ArrowRight")  # radios move with arrow keys
            expect(page.locator(f"#id_q{question.pk}_1")).to_be_checked()
        elif question.kind == Question.Kind.SINGLE:
            page.locator(f"#id_q{question.pk}_0").focus()
            page.keyboard.press("Space")
            expect(page.locator(f"#id_q{question.pk}_0")).to_be_checked()
        elif question.kind == Question.Kind.TEXT:
            page.locator(f"#id_q{question.pk}").fill("Mer tid för samtal.")
    page.locator("form.answer-form button[type=submit]").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#answered")).to_be_visible()
    assert Receipt.objects.filter(evaluation=evaluation, person=person).exists()


def test_organiser_views_results_of_five_answers(page, log_in_as, evaluation, axe):
    likert, *_rest = evaluation.form.questions.all()
    single = evaluation.form.questions.get(kind=Question.Kind.SINGLE)
    answer_as(
        evaluation,
        participants(evaluation.cohort, 5),
        lambda i: (
            {
                q: (3 + i % 2) if q.kind in ("likert",) else None
                for q in evaluation.form.questions.all()
            }
            | {single: single.options[i % 2][0]}
            | {q: 8 for q in evaluation.form.questions.filter(kind="nps")}
        ),
    )
    close(evaluation)  # results are shown once the evaluation has closed
    organiser = OrganiserFactory(
        organiser_of=evaluation.cohort.programme.organiser, preferred_language="sv"
    )
    log_in_as(organiser)

    page.goto(reverse("evaluations:evaluation-results", args=[evaluation.pk]))

    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator(f"#result-{evaluation.form.pk}-{likert.pk}")).to_be_visible()
    assert not (found := _blocking(axe, page)), _describe(found)


@pytest.mark.parametrize("name", ["builder", "list", "cohort", "programme"])
def test_organiser_pages_have_no_serious_accessibility_violations(
    page, log_in_as, evaluation, axe, name
):
    organiser = OrganiserFactory(
        organiser_of=evaluation.cohort.programme.organiser, preferred_language="sv"
    )
    log_in_as(organiser)
    url = {
        "builder": reverse("evaluations:form-builder", args=[evaluation.form.pk]),
        "list": reverse("evaluations:form-list"),
        "cohort": reverse(
            "evaluations:cohort-evaluations", args=[evaluation.cohort.pk]
        ),
        "programme": reverse(
            "evaluations:programme-results", args=[evaluation.cohort.programme.pk]
        ),
    }[name]

    response = page.goto(url)

    assert response.status == 200
    assert not (found := _blocking(axe, page)), _describe(found)
