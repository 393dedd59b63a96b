"""The form builder's forms keep what the organiser did not change.

Each test reads the form as the page renders it, changes one field, posts what
the page would post and checks every other field is as it was: the round trip a
browser makes, without a browser.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.translation import get_language

from tillit.core.tests.factories import OrganisationFactory, OrganiserFactory
from tillit.evaluations.models import EvaluationForm, Question, normalise_options

from .factories import EvaluationFormFactory, QuestionFactory

Kind = Question.Kind
pytestmark = pytest.mark.django_db

PROMISE = "Dina svar är anonyma. Ingen kan se vem som svarade vad."


class _FormValues(HTMLParser):
    """What a browser would post from the form whose action is `action` (or
    the first form without an action)."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.data = action, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", self.action) == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") != "submit":
            checkable = attrs.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in attrs:
                self.data.append((name, attrs.get("value", "on")))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.data.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def _posted(client, url, changes):
    page = client.get(url)
    parser = _FormValues(url)
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.data:
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    # A text is written per language (text_sv, text_fi, text_en): change the one
    # of the language the test reads in.
    language = get_language()
    data.update(
        {
            f"{name}_{language}" if f"{name}_{language}" in data else name: [value]
            for name, value in changes.items()
        }
    )
    return page, client.post(url, data)


@pytest.fixture
def organiser():
    return OrganiserFactory(organiser_of=OrganisationFactory())


@pytest.fixture
def organiser_of_two(organiser):
    organiser.organiser_for.add(OrganisationFactory())
    return organiser


@pytest.mark.parametrize("who", ["organiser", "organiser_of_two"])
@pytest.mark.parametrize(
    "changes",
    [{"title": "Ny titel"}, {"description": "Ny inledning"}],
    ids=["title", "description"],
)
def test_saving_a_forms_details_keeps_every_field_not_changed(
    client, request, who, changes
):
    person = request.getfixturevalue(who)
    form = EvaluationFormFactory(
        organisation=person.organiser_for.first(),
        title="Kursutvärdering",
        description=PROMISE,
    )
    before = {"title": form.title, "description": form.description}
    client.force_login(person)

    page, response = _posted(
        client, reverse("evaluations:form-builder", args=[form.pk]), changes
    )

    assert page.status_code == 200
    assert response.status_code == 302
    form.refresh_from_db()
    assert {"title": form.title, "description": form.description} == {
        **before,
        **changes,
    }


def test_the_form_builder_shows_no_errors_on_a_visit(client, organiser):
    form = EvaluationFormFactory(
        organisation=organiser.organiser_for.get(), description=PROMISE
    )
    client.force_login(organiser)

    page = client.get(reverse("evaluations:form-builder", args=[form.pk]))

    html = page.content.decode()
    assert "This field is required" not in html
    assert "_error" not in html
    assert PROMISE in html


def test_adding_a_question_keeps_the_introduction(client, organiser):
    form = EvaluationFormFactory(
        organisation=organiser.organiser_for.get(), description=PROMISE
    )
    client.force_login(organiser)

    response = client.post(
        reverse("evaluations:question-add", args=[form.pk]), {"new-kind": "text"}
    )

    assert response.status_code == 200  # the question has no text
    assert PROMISE in response.content.decode()
    assert EvaluationForm.objects.get(pk=form.pk).description == PROMISE


QUESTIONS = {
    Kind.LIKERT: {"low_label": "Inte alls", "high_label": "Mycket"},
    Kind.NPS: {"low_label": "Knappast", "high_label": "Absolut"},
    Kind.SINGLE: {
        "choices": normalise_options(["Digitalt", "På plats"], language="sv")
    },
    Kind.MULTIPLE: {
        "choices": normalise_options(
            ["Styrning", "Ledarskap", "Samverkan"], language="sv"
        )
    },
    Kind.TEXT: {},
}
FIELDS = ("kind", "text", "help_text", "required", "choices", "low_label", "high_label")


@pytest.mark.parametrize("kind", list(QUESTIONS), ids=str)
@pytest.mark.parametrize(
    "changes",
    [{"text": "Ny fråga?"}, {"help_text": "Ny hjälptext"}],
    ids=["text", "help_text"],
)
def test_editing_a_question_keeps_every_field_not_changed(
    client, organiser, kind, changes
):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    question = QuestionFactory(
        form=form,
        kind=kind,
        text="Gammal fråga?",
        help_text="Gammal hjälptext",
        required=True,
        **{"choices": [], "low_label": "", "high_label": "", **QUESTIONS[kind]},
    )
    before = {name: getattr(question, name) for name in FIELDS}
    client.force_login(organiser)

    page, response = _posted(
        client, reverse("evaluations:question-edit", args=[question.pk]), changes
    )

    assert page.status_code == 200
    assert response.status_code == 302
    question.refresh_from_db()
    assert {name: getattr(question, name) for name in FIELDS} == {
        **before,
        **changes,
    }


def test_removing_a_question_asks_first(client, organiser):
    form = EvaluationFormFactory(organisation=organiser.organiser_for.get())
    question = QuestionFactory(form=form, text="Vad tog du med dig?")
    client.force_login(organiser)
    url = reverse("evaluations:question-delete", args=[question.pk])

    asked = client.post(url)
    kept = form.questions.exists()
    client.post(url, {"confirmed": "yes"})

    assert "Vad tog du med dig?" in asked.content.decode()
    assert kept
    assert not form.questions.exists()
