import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.evaluations import selectors
from tillit.evaluations.models import Evaluation, Question, Receipt, Response
from tillit.programmes.tests.factories import CohortFactory, SessionFactory

from .factories import (
    EvaluationFactory,
    EvaluationFormFactory,
    QuestionFactory,
    answer_as,
    close,
    participants,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation():
    """An open evaluation of a session with a Likert, a choice and a text question."""
    session = SessionFactory()
    evaluation = EvaluationFactory(cohort=session.cohort, session=session)
    QuestionFactory(form=evaluation.form, kind=Kind.LIKERT, required=True, position=1)
    QuestionFactory(
        form=evaluation.form,
        kind=Kind.SINGLE,
        text="Hur föredrar du att delta?",
        choices=["Digitalt", "På plats"],
        position=2,
    )
    QuestionFactory(form=evaluation.form, kind=Kind.TEXT, text="Annat?", position=3)
    return evaluation


@pytest.fixture
def organiser(evaluation):
    return OrganiserFactory(organiser_of=evaluation.cohort.programme.organiser)


def _answers(evaluation, count, text="Bra dag", closing=False):
    likert, where, other = evaluation.form.questions.all()
    people = participants(evaluation.cohort, count)
    answer_as(
        evaluation,
        people,
        lambda i: {likert: 4, where: "Digitalt" if i % 2 else "På plats", other: text},
    )
    if closing:
        close(evaluation)
    return people


# Answering ---------------------------------------------------------------------


def test_participant_sees_questions_as_labelled_groups(client, evaluation):
    (person,) = participants(evaluation.cohort, 1)
    client.force_login(person)

    response = client.get(reverse("evaluations:answer", args=[evaluation.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 2
    assert "<legend>Hur föredrar du att delta?" in html
    assert 'type="radio"' in html
    assert "Your answers are anonymous" in html


def test_participant_answers_and_a_second_visit_says_so(client, evaluation):
    (person,) = participants(evaluation.cohort, 1)
    likert, where, other = evaluation.form.questions.all()
    client.force_login(person)
    url = reverse("evaluations:answer", args=[evaluation.pk])

    response = client.post(
        url,
        {
            f"q{likert.pk}": "5",
            f"q{where.pk}": where.options[0][0],
            f"q{other.pk}": "Tack",
        },
    )
    again = client.get(url)

    assert response.status_code == 302
    assert Receipt.objects.filter(evaluation=evaluation, person=person).exists()
    assert Response.objects.get().person is None
    assert "You have answered this evaluation" in again.content.decode()
    assert client.post(url, {f"q{likert.pk}": "1"}).status_code == 200
    assert Response.objects.count() == 1


def test_missing_required_answer_is_shown_beside_the_question(client, evaluation):
    (person,) = participants(evaluation.cohort, 1)
    likert = evaluation.form.questions.first()
    client.force_login(person)

    response = client.post(reverse("evaluations:answer", args=[evaluation.pk]), {})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_q{likert.pk}_error"' in html
    assert f'aria-describedby="id_q{likert.pk}_error"' in html
    assert not Receipt.objects.exists()


def test_named_evaluation_tells_the_participant(client, evaluation):
    Evaluation.objects.filter(pk=evaluation.pk).update(anonymous=False)
    (person,) = participants(evaluation.cohort, 1)
    client.force_login(person)

    response = client.get(reverse("evaluations:answer", args=[evaluation.pk]))

    assert "This evaluation is not anonymous." in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "other cohort", "waitlisted"])
def test_only_the_cohorts_participants_reach_the_answer_page(client, evaluation, who):
    if who == "stranger":
        person = PersonFactory()
    elif who == "other cohort":
        (person,) = participants(CohortFactory(), 1)
    else:
        from tillit.registrations.tests.factories import RegistrationFactory

        person = RegistrationFactory(
            cohort=evaluation.cohort, status="waitlisted"
        ).person
    client.force_login(person)

    response = client.get(reverse("evaluations:answer", args=[evaluation.pk]))

    assert response.status_code == 404


def test_open_evaluations_partial_links_to_the_answer_page(rf, evaluation):
    (person,) = participants(evaluation.cohort, 1)

    html = render_to_string(
        "evaluations/includes/open-evaluations.html",
        {"open_evaluations": selectors.open_evaluations_for(person)},
    )

    assert reverse("evaluations:answer", args=[evaluation.pk]) in html


# Form builder --------------------------------------------------------------------


def test_organiser_copies_the_standard_form_and_adds_a_question(client, organiser):
    client.force_login(organiser)

    copied = client.post(reverse("evaluations:form-copy-standard"))
    form = organiser.organiser_for.get().evaluation_forms.get(
        title_sv="Kursutvärdering"
    )
    added = client.post(
        reverse("evaluations:question-add", args=[form.pk]),
        {
            "new-kind": "multiple",
            "new-text": "Vilka teman vill du fördjupa?",
            "new-choices_text": "Styrning\nLedarskap\n\nSamverkan",
        },
    )

    assert copied.status_code == added.status_code == 302
    question = form.questions.last()
    # Posted without a language, the texts are the page's language (en here).
    assert question.option_texts("en") == ["Styrning", "Ledarskap", "Samverkan"]
    page = client.get(reverse("evaluations:form-builder", args=[form.pk]))
    assert "Vilka teman vill du fördjupa?" in page.content.decode()


def test_choice_question_without_options_is_refused_beside_the_field(client, organiser):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    client.force_login(organiser)

    response = client.post(
        reverse("evaluations:question-add", args=[form.pk]),
        {"new-kind": "single", "new-text": "Hur?", "new-choices_text": "Bara en"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_new-choices_text_sv_error"' in html
    assert "at least two options" in html
    assert not form.questions.exists()


def test_question_without_text_or_kind_is_refused(client, organiser):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    client.force_login(organiser)

    response = client.post(reverse("evaluations:question-add", args=[form.pk]), {})

    html = response.content.decode()
    assert 'id="id_new-text_sv_error"' in html
    assert 'id="id_new-kind_error"' in html
    assert not form.questions.exists()


def test_moving_a_question_with_htmx_returns_the_list(client, organiser):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    first = QuestionFactory(form=form, text="Första", position=1)
    second = QuestionFactory(form=form, text="Andra", position=2)
    client.force_login(organiser)

    response = client.post(
        reverse("evaluations:question-move", args=[second.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "<html" not in html
    assert html.index("Andra") < html.index("Första")
    assert [q.pk for q in form.questions.all()] == [second.pk, first.pk]


def test_editing_a_question_without_javascript(client, organiser):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    question = QuestionFactory(form=form, text="Gammal")
    client.force_login(organiser)
    url = reverse("evaluations:question-edit", args=[question.pk])

    page = client.get(url)
    response = client.post(
        url, {"kind": "likert", "text": "Ny", "low_label": "Låg", "high_label": "Hög"}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.low_label) == ("Ny", "Låg")


@pytest.mark.parametrize("name", ["form-builder", "form-copy", "question-add"], ids=str)
def test_another_organiser_gets_404_on_a_form(client, evaluation, name):
    client.force_login(
        OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    )
    url = reverse(f"evaluations:{name}", args=[evaluation.form.pk])

    response = client.post(url) if name != "form-builder" else client.get(url)

    assert response.status_code == 404


def test_another_organiser_gets_404_on_a_question(client, evaluation):
    question = evaluation.form.questions.first()
    client.force_login(
        OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    )

    responses = [
        client.get(reverse("evaluations:question-edit", args=[question.pk])),
        client.post(reverse("evaluations:question-delete", args=[question.pk])),
        client.post(reverse("evaluations:question-move", args=[question.pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Question.objects.filter(pk=question.pk).exists()


def test_participant_cannot_reach_the_form_list(client, evaluation):
    (person,) = participants(evaluation.cohort, 1)
    client.force_login(person)

    assert client.get(reverse("evaluations:form-list")).status_code == 404
    assert client.get(reverse("evaluations:overview")).status_code == 404


# Attaching -------------------------------------------------------------------


def test_organiser_attaches_a_form_to_a_session(client, evaluation, organiser):
    session = SessionFactory(cohort=evaluation.cohort)
    client.force_login(organiser)
    url = reverse("evaluations:cohort-evaluations", args=[evaluation.cohort.pk])

    response = client.post(
        url,
        {
            "form": evaluation.form.pk,
            "session": session.pk,
            "open_days": "10",
            "anonymous": "on",
        },
    )

    assert response.status_code == 302
    attached = Evaluation.objects.get(session=session)
    assert attached.opens_at == session.ends_at and attached.anonymous


def test_attaching_with_bad_days_shows_the_error(client, evaluation, organiser):
    client.force_login(organiser)
    url = reverse("evaluations:cohort-evaluations", args=[evaluation.cohort.pk])

    response = client.post(url, {"form": evaluation.form.pk, "open_days": "0"})

    assert response.status_code == 200
    assert 'id="id_open_days_error"' in response.content.decode()
    assert Evaluation.objects.count() == 1


def test_another_organiser_gets_404_on_cohort_evaluations(client, evaluation):
    client.force_login(
        OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    )

    url = reverse("evaluations:cohort-evaluations", args=[evaluation.cohort.pk])
    detach = reverse("evaluations:evaluation-detach", args=[evaluation.pk])

    assert client.get(url).status_code == 404
    assert client.post(detach).status_code == 404
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


# Results --------------------------------------------------------------------------


def _result_urls(evaluation):
    return {
        "evaluation": reverse("evaluations:evaluation-results", args=[evaluation.pk]),
        "cohort": reverse("evaluations:cohort-results", args=[evaluation.cohort.pk]),
        "programme": reverse(
            "evaluations:programme-results", args=[evaluation.cohort.programme.pk]
        ),
    }


@pytest.mark.parametrize("scope", ["evaluation", "cohort", "programme"])
def test_four_answers_show_neither_answers_nor_their_count(
    client, evaluation, organiser, scope
):
    _answers(evaluation, 4, text="Hemlig kommentar", closing=True)
    client.force_login(organiser)

    response = client.get(_result_urls(evaluation)[scope])

    html = response.content.decode()
    assert response.status_code == 200
    assert "if at least 5 have answered" in html
    assert "so far" not in html
    assert ">4<" not in html
    assert "Hemlig kommentar" not in html
    assert "<svg" not in html.split("</header>")[1]


@pytest.mark.parametrize("scope", ["evaluation", "cohort", "programme"])
def test_five_answers_show_charts_tables_and_free_text(
    client, evaluation, organiser, scope
):
    _answers(evaluation, 5, text="Bra dag", closing=True)
    client.force_login(organiser)

    response = client.get(_result_urls(evaluation)[scope])

    html = response.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert '<th scope="row">Digitalt</th>' in html
    assert html.count("Bra dag") == 5
    assert "data-average>4.0<" in html


def test_free_text_answers_are_folded_under_their_count(client, evaluation, organiser):
    _answers(evaluation, 5, text="Bra dag", closing=True)
    client.force_login(organiser)

    response = client.get(_result_urls(evaluation)["evaluation"])

    html = response.content.decode()
    folded = html[html.index('<details class="free-text-fold">') :]
    assert "<summary>Read the 5 answers</summary>" in folded
    assert folded.index("Bra dag") < folded.index("</details>")


def test_programme_page_compares_cohorts(client, evaluation, organiser):
    _answers(evaluation, 5, closing=True)
    other = CohortFactory(programme=evaluation.cohort.programme, name="Hösten")
    hidden = EvaluationFactory(form=evaluation.form, cohort=other)
    likert, where, _other = evaluation.form.questions.all()
    answer_as(hidden, participants(other, 4), lambda i: {likert: 1, where: "Digitalt"})
    close(hidden)
    client.force_login(organiser)

    response = client.get(_result_urls(evaluation)["programme"])

    html = response.content.decode()
    assert "Comparison of cohorts" in html
    assert "Digitalt, share" in html
    assert 'class="bar-chart" role="img"' in html
    assert "fewer than 5" in html
    assert "data-average>4.0<" in html  # the hidden cohort's ones are not counted


def test_teacher_of_the_programme_reads_results(client, evaluation):
    teacher = PersonFactory()
    evaluation.cohort.programme.teachers.add(teacher)
    client.force_login(teacher)

    statuses = [
        client.get(url).status_code for url in _result_urls(evaluation).values()
    ]

    assert statuses == [200, 200, 200]
    assert client.get(reverse("evaluations:overview")).status_code == 200


def test_session_teacher_reads_the_cohorts_results(client, evaluation):
    teacher = PersonFactory()
    evaluation.session.teachers.add(teacher)
    client.force_login(teacher)

    response = client.get(_result_urls(evaluation)["cohort"])

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["participant", "other organiser", "stranger"])
def test_others_get_404_on_results_and_exports(client, evaluation, who):
    if who == "participant":
        (person,) = participants(evaluation.cohort, 1)
    elif who == "other organiser":
        person = OrganiserFactory(organiser_of=CohortFactory().programme.organiser)
    else:
        person = PersonFactory()
    client.force_login(person)
    urls = [
        *_result_urls(evaluation).values(),
        reverse("evaluations:evaluation-export", args=[evaluation.pk]),
        reverse("evaluations:cohort-export", args=[evaluation.cohort.pk]),
        reverse("evaluations:programme-export", args=[evaluation.cohort.programme.pk]),
    ]

    assert {client.get(url).status_code for url in urls} == {404}


@pytest.mark.parametrize("scope", ["evaluation", "cohort", "programme"])
def test_export_downloads_a_workbook(client, evaluation, organiser, scope):
    _answers(evaluation, 5)
    client.force_login(organiser)
    pk = {
        "evaluation": evaluation.pk,
        "cohort": evaluation.cohort.pk,
        "programme": evaluation.cohort.programme.pk,
    }[scope]

    response = client.get(reverse(f"evaluations:{scope}-export", args=[pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.parametrize("scope", ["evaluation", "cohort", "programme"])
def test_results_pages_take_the_same_queries_however_many_answers(
    client, evaluation, organiser, scope
):
    _answers(evaluation, 5, closing=True)
    client.force_login(organiser)
    url = _result_urls(evaluation)[scope]
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    evaluation.closes_at = timezone.now() + dt.timedelta(days=1)
    evaluation.save(update_fields=["closes_at"])
    _answers(evaluation, 10, closing=True)
    likert = evaluation.form.questions.first()
    for number in range(3):
        cohort = CohortFactory(programme=evaluation.cohort.programme)
        extra = EvaluationFactory(form=evaluation.form, cohort=cohort)
        answer_as(extra, participants(cohort, 5 + number), lambda i: {likert: 3})
        close(extra)
        SessionFactory(cohort=evaluation.cohort)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
    assert len(many) <= 16
