"""A form that participants have answered: its wording may change in every
language, its structure (questions, kinds, order, options and their keys) not."""

import pytest
from django.urls import reverse
from django.utils import translation

from tillit.core.tests.factories import OrganiserFactory
from tillit.evaluations import results, services
from tillit.evaluations.models import Question
from tillit.evaluations.services import LockedByAnswers

from .factories import (
    EvaluationFactory,
    QuestionFactory,
    answer_as,
    close,
    participants,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    """A closed evaluation whose Swedish-only choice question five answered:
    three "Digitalt", two "På plats"."""
    evaluation = EvaluationFactory()
    question = QuestionFactory(
        form=evaluation.form,
        kind=Kind.SINGLE,
        text="Hur föredrar du att delta?",
        choices=["Digitalt", "På plats"],
    )
    question.full_clean()
    question.save()
    people = participants(evaluation.cohort, 5)
    answer_as(
        evaluation,
        people,
        lambda i: {question: "Digitalt" if i < 3 else "På plats"},
    )
    close(evaluation)
    return evaluation, question


def _options(question):
    question.refresh_from_db()
    return question.stored_options


def test_wording_of_an_answered_question_changes_in_every_language(answered):
    evaluation, question = answered

    services.update_question(
        question,
        actor=None,
        text_fi="Miten haluat osallistua?",
        choices=[
            {"sv": "Digitalt", "fi": "Etänä", "en": "Online"},
            {"sv": "På platsen", "fi": "Paikan päällä", "en": "On site"},
        ],
    )

    question.refresh_from_db()
    assert question.text_fi == "Miten haluat osallistua?"
    assert question.text == "Hur föredrar du att delta?"
    assert [o["key"] for o in _options(question)] == ["o1", "o2"]
    with translation.override("fi"):
        counted = results.summarise(evaluation.form, [evaluation]).questions[0]
        assert [(o.label, o.count) for o in counted.options] == [
            ("Etänä", 3),
            ("Paikan päällä", 2),
        ]


def test_options_reworded_in_their_only_language_keep_their_keys(answered):
    evaluation, question = answered

    services.update_question(
        question, actor=None, choices=["Digitalt (Teams)", "På plats i Stockholm"]
    )

    assert _options(question)[1] == {
        "key": "o2",
        "sv": "På plats i Stockholm",
        "fi": "",
        "en": "",
    }
    counted = results.summarise(evaluation.form, [evaluation]).questions[0]
    assert [o.count for o in counted.options] == [3, 2]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": Kind.MULTIPLE}, "kind"),
        ({"required": True}, "required"),
        ({"choices": ["Digitalt", "På plats", "Båda"]}, "choices"),
        ({"choices": ["Digitalt"]}, "choices"),
        ({"choices": ["På plats", "Digitalt"]}, "choices"),
        (
            {
                "choices": [
                    {"key": "o2", "sv": "Digitalt"},
                    {"key": "o1", "sv": "På plats"},
                ]
            },
            "choices",
        ),
        ({"choices": [{"key": "o9", "sv": "Digitalt"}, "På plats"]}, "choices"),
    ],
    ids=["kind", "required", "added", "removed", "reordered", "keys", "new-key"],
)
def test_structure_of_an_answered_question_is_refused_and_kept(answered, change, field):
    _, question = answered
    before = (question.kind, question.required, _options(question))

    with pytest.raises(LockedByAnswers) as error:
        services.update_question(question, actor=None, text="Ny text", **change)

    assert error.value.field == field
    question.refresh_from_db()
    assert (question.kind, question.required, question.stored_options) == before
    assert question.text == "Hur föredrar du att delta?"


def test_questions_of_an_answered_form_are_not_added_removed_or_moved(answered):
    evaluation, question = answered
    QuestionFactory(form=evaluation.form, kind=Kind.TEXT, text="Övrigt?")

    with pytest.raises(LockedByAnswers):
        services.add_question(evaluation.form, actor=None, kind=Kind.TEXT, text="Ny")
    with pytest.raises(LockedByAnswers):
        services.remove_question(question, actor=None)
    with pytest.raises(LockedByAnswers):
        services.move_question(question, actor=None, up=False)

    assert [q.text for q in evaluation.form.questions.all()] == [
        "Hur föredrar du att delta?",
        "Övrigt?",
    ]


def test_title_and_introduction_of_an_answered_form_change(answered):
    evaluation, _ = answered

    services.update_form(evaluation.form, actor=None, title_fi="Kurssipalaute")

    evaluation.form.refresh_from_db()
    assert evaluation.form.title_fi == "Kurssipalaute"


# The organiser's pages ----------------------------------------------------------


def _organiser(evaluation):
    return OrganiserFactory(organiser_of=evaluation.cohort.programme.organiser)


def test_builder_of_an_answered_form_says_what_is_locked_and_offers_the_wording(
    client, answered
):
    evaluation, question = answered
    client.force_login(_organiser(evaluation))

    page = client.get(reverse("evaluations:form-builder", args=[evaluation.form.pk]))

    html = page.content.decode()
    assert "are locked, so that the answers already given keep their meaning" in html
    assert reverse("evaluations:question-edit", args=[question.pk]) in html
    assert reverse("evaluations:question-delete", args=[question.pk]) not in html


def test_organiser_adds_the_finnish_wording_of_an_answered_question(client, answered):
    evaluation, question = answered
    client.force_login(_organiser(evaluation))
    url = reverse("evaluations:question-edit", args=[question.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "kind": Kind.MULTIPLE,  # locked: ignored
            "text_sv": "Hur föredrar du att delta?",
            "text_fi": "Miten haluat osallistua?",
            "choices_text_sv": "Digitalt\nPå plats",
            "choices_text_fi": "Etänä\nPaikan päällä",
        },
    )

    assert 'name="kind"' in page.content.decode()
    assert "disabled" in page.content.decode()
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == Kind.SINGLE
    assert question.stored_options[1] == {
        "key": "o2",
        "sv": "På plats",
        "fi": "Paikan päällä",
        "en": "",
    }


def test_an_added_option_on_an_answered_question_is_refused_beside_the_options(
    client, answered
):
    evaluation, question = answered
    client.force_login(_organiser(evaluation))
    before = _options(question)

    response = client.post(
        reverse("evaluations:question-edit", args=[question.pk]),
        {
            "text_sv": "Hur föredrar du att delta?",
            "choices_text_sv": "Digitalt\nPå plats\nBåda",
        },
    )

    assert response.status_code == 200
    errors = response.context["question_form"].errors
    assert "keep their number and order" in errors["choices_text_sv"][0]
    assert _options(question) == before


def test_moving_a_question_of_an_answered_form_is_refused_without_an_error_page(
    client, answered
):
    evaluation, question = answered
    QuestionFactory(form=evaluation.form, kind=Kind.TEXT, text="Övrigt?")
    client.force_login(_organiser(evaluation))

    response = client.post(
        reverse("evaluations:question-move", args=[question.pk]),
        {"direction": "down"},
        follow=True,
    )

    assert response.status_code == 200
    assert "questions can no longer be added, removed or moved" in (
        response.content.decode()
    )
    assert evaluation.form.questions.first() == question
