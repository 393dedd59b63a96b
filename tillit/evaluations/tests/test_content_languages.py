"""Evaluation questions and their options per content language: the organiser
writes the options line by line in each language, participants read them in
their language, and an answer stores the option's key, so results and exports
count one option whatever language it was read in."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tillit.core.tests.factories import OrganisationFactory, OrganiserFactory
from tillit.evaluations import exports, results
from tillit.evaluations.models import Answer, Question
from tillit.programmes.tests.factories import CohortFactory

from .factories import (
    EvaluationFactory,
    EvaluationFormFactory,
    QuestionFactory,
    close,
    participants,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db

OPTIONS = [
    {"key": "o1", "sv": "Digitalt", "fi": "Etänä", "en": ""},
    {"key": "o2", "sv": "På plats", "fi": "Paikan päällä", "en": ""},
    {"key": "o3", "sv": "Båda går bra", "fi": "", "en": ""},  # no Finnish
]


def _in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def finnish_form():
    return EvaluationFormFactory(organisation=OrganisationFactory(country="FI"))


@pytest.fixture
def finnish_organiser(finnish_form):
    return OrganiserFactory(organiser_of=finnish_form.organisation)


@pytest.fixture
def evaluation(finnish_form):
    cohort = CohortFactory(programme__organiser=finnish_form.organisation)
    evaluation = EvaluationFactory(form=finnish_form, cohort=cohort)
    QuestionFactory(
        form=finnish_form,
        kind=Kind.SINGLE,
        text_sv="Hur föredrar du att delta?",
        text_fi="Miten osallistut mieluiten?",
        text_en="",
        choices=OPTIONS,
    )
    return evaluation


def test_question_form_has_the_options_in_a_fieldset_per_language(
    client, finnish_form, finnish_organiser
):
    client.force_login(finnish_organiser)

    html = client.get(
        reverse("evaluations:form-builder", args=[finnish_form.pk])
    ).content.decode()

    question_part = html[html.index('name="new-kind"') :]
    languages = re.findall(r'language-version" data-language="(\w+)"', question_part)
    assert languages == ["fi", "sv", "en"]
    for language in ("fi", "sv", "en"):
        assert f'name="new-choices_text_{language}"' in question_part
    assert 'name="new-choices_text"' not in question_part


def test_options_are_saved_in_each_language_under_one_key(
    client, finnish_form, finnish_organiser
):
    client.force_login(finnish_organiser)

    response = client.post(
        reverse("evaluations:question-add", args=[finnish_form.pk]),
        {
            "new-kind": "single",
            "new-text_fi": "Osallistuitko?",
            "new-text_sv": "Deltog du?",
            "new-choices_text_fi": "Kyllä\nEi",
            "new-choices_text_sv": "Ja\n\nNej",
            "new-choices_text_en": "",
        },
    )

    assert response.status_code == 302
    question = finnish_form.questions.get()
    assert question.choices == [
        {"key": "o1", "sv": "Ja", "fi": "Kyllä", "en": ""},
        {"key": "o2", "sv": "Nej", "fi": "Ei", "en": ""},
    ]
    assert (question.text_fi, question.text_sv) == ("Osallistuitko?", "Deltog du?")


def test_options_in_different_numbers_per_language_are_refused(
    client, finnish_form, finnish_organiser
):
    client = _in(client, "en")
    client.force_login(finnish_organiser)

    response = client.post(
        reverse("evaluations:question-add", args=[finnish_form.pk]),
        {
            "new-kind": "single",
            "new-text_fi": "Osallistuitko?",
            "new-choices_text_fi": "Kyllä\nEi\nEn tiedä",
            "new-choices_text_sv": "Ja\nNej",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_new-choices_text_fi_error"' in html
    assert "as many options in each language" in html
    assert not finnish_form.questions.exists()


def test_correcting_a_translation_or_removing_an_option_keeps_the_keys(
    client, evaluation, finnish_organiser
):
    question = evaluation.form.questions.get()
    client.force_login(finnish_organiser)

    response = client.post(
        reverse("evaluations:question-edit", args=[question.pk]),
        {
            "kind": "single",
            "text_fi": "Miten osallistut mieluiten?",
            # The first option removed, the second's Finnish corrected.
            "choices_text_fi": "Paikan päällä, Helsingissä\nKumpi tahansa käy",
            "choices_text_sv": "På plats\nBåda går bra",
            "choices_text_en": "",
        },
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.choices == [
        {"key": "o2", "sv": "På plats", "fi": "Paikan päällä, Helsingissä", "en": ""},
        {"key": "o3", "sv": "Båda går bra", "fi": "Kumpi tahansa käy", "en": ""},
    ]


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("fi", ["Etänä", "Paikan päällä", "Båda går bra"], ["Digitalt"]),
        ("sv", ["Digitalt", "På plats", "Båda går bra"], ["Etänä"]),
        ("en", ["Digitalt", "På plats"], ["Etänä"]),
    ],
)
def test_participant_reads_the_options_in_their_language(
    client, evaluation, language, shown, hidden
):
    (person,) = _participants(evaluation, 1)
    client = _in(client, language)
    client.force_login(person)

    html = client.get(
        reverse("evaluations:answer", args=[evaluation.pk])
    ).content.decode()

    for text in shown:
        assert f"> {text}</label>" in html or f">{text}</label>" in html
    for text in hidden:
        assert text not in html
    assert 'value="o1"' in html


def test_answers_read_in_finnish_and_swedish_count_as_the_same_options(
    client, evaluation
):
    people = _participants(evaluation, 6)
    question = evaluation.form.questions.get()
    url = reverse("evaluations:answer", args=[evaluation.pk])
    chosen = ["o1", "o1", "o2", "o1", "o2", "o3"]
    for index, (person, key) in enumerate(zip(people, chosen, strict=True)):
        client = _in(client, "fi" if index % 2 else "sv")
        client.force_login(person)
        page = client.get(url).content.decode()
        assert f'value="{key}"' in page
        assert client.post(url, {f"q{question.pk}": key}).status_code == 302
    close(evaluation)

    assert sorted(Answer.objects.values_list("choice", flat=True)) == sorted(chosen)
    with translation.override("fi"):
        finnish = results.summarise(evaluation.form, [evaluation]).questions[0]
        finnish_labels = [(o.label, o.count) for o in finnish.options]
    with translation.override("sv"):
        swedish = results.summarise(evaluation.form, [evaluation]).questions[0]
        swedish_labels = [(o.label, o.count) for o in swedish.options]
        workbook = load_workbook(
            io.BytesIO(exports.to_xlsx([evaluation], title="Test"))
        )
    assert finnish_labels == [("Etänä", 3), ("Paikan päällä", 2), ("Båda går bra", 1)]
    assert swedish_labels == [("Digitalt", 3), ("På plats", 2), ("Båda går bra", 1)]
    exported = [row[-1] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert sorted(exported[1:]) == sorted(
        ["Digitalt", "Digitalt", "På plats", "Digitalt", "På plats", "Båda går bra"]
    )


def test_migration_gives_old_options_keys_and_the_answers_follow(evaluation):
    question = evaluation.form.questions.get()
    Question.objects.filter(pk=question.pk).update(
        choices=["Digitalt", "På plats", "Båda går bra"]
    )
    response = evaluation.responses.create(submitted_on="2027-01-01")
    Answer.objects.create(response=response, question=question, choice="På plats")
    migration = importlib.import_module(
        "tillit.evaluations.migrations.0005_option_keys"
    )

    migration.forwards(apps, None)

    question.refresh_from_db()
    # A Finnish organisation's options were written in Finnish.
    assert question.choices == [
        {"key": "o1", "sv": "", "fi": "Digitalt", "en": ""},
        {"key": "o2", "sv": "", "fi": "På plats", "en": ""},
        {"key": "o3", "sv": "", "fi": "Båda går bra", "en": ""},
    ]
    assert Answer.objects.get().choice == "o2"

    migration.backwards(apps, None)

    question.refresh_from_db()
    assert question.choices == ["Digitalt", "På plats", "Båda går bra"]
    assert Answer.objects.get().choice == "På plats"


def _participants(evaluation, count):
    return participants(evaluation.cohort, count)


def test_my_data_gives_a_named_choice_as_the_option_read_not_its_key(
    client, evaluation
):
    from tillit.privacy import services as privacy

    evaluation.anonymous = False
    evaluation.save(update_fields=["anonymous"])
    (person,) = _participants(evaluation, 1)
    question = evaluation.form.questions.get()
    client = _in(client, "fi")
    client.force_login(person)
    assert (
        client.post(
            reverse("evaluations:answer", args=[evaluation.pk]),
            {f"q{question.pk}": "o2"},
        ).status_code
        == 302
    )

    with translation.override("fi"):
        sections = privacy.collect(person)
    (answers,) = [s for s in sections if s["label"] == "evaluations.Answer"]
    assert [row["choice"] for row in answers["rows"]] == ["Paikan päällä"]
