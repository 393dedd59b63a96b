import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.evaluations import selectors, services, standard
from tillit.evaluations.models import Evaluation, Question, Receipt, Response
from tillit.evaluations.services import EvaluationError
from tillit.programmes.tests.factories import CohortFactory, SessionFactory
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

from .factories import (
    EvaluationFactory,
    EvaluationFormFactory,
    QuestionFactory,
    participants,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


# Forms and questions -------------------------------------------------------


def test_copying_the_standard_form_gives_the_organisation_its_questions():
    organisation = OrganisationFactory()

    form = services.copy_standard_form(organisation, actor=None)

    assert form.organisation == organisation
    assert form.questions.count() == len(standard.QUESTIONS)
    participation = form.questions.get(kind=Kind.SINGLE)
    assert participation.option_texts("sv") == ["Digitalt", "På plats", "Båda går bra"]
    assert participation.option_texts("fi") == [
        "Etänä",
        "Paikan päällä",
        "Kumpi tahansa käy",
    ]
    assert {q.kind for q in form.questions.all()} == set(Kind.values)


def test_copy_of_a_form_has_the_same_questions_in_order():
    form = services.copy_standard_form(OrganisationFactory(), actor=None)

    copy = services.copy_form(form, form.organisation, actor=None)

    assert [q.text for q in copy.questions.all()] == [
        q.text for q in form.questions.all()
    ]
    assert copy.title.startswith("Copy of")


def test_choice_question_needs_two_options():
    form = EvaluationFormFactory()

    with pytest.raises(ValidationError) as error:
        services.add_question(
            form, actor=None, kind=Kind.SINGLE, text="Hur?", choices=["Bara en"]
        )

    assert "choices" in error.value.error_dict
    assert not form.questions.exists()


def test_scale_question_drops_options_and_choice_question_drops_scale_labels():
    form = EvaluationFormFactory()

    scale = services.add_question(
        form, actor=None, kind=Kind.LIKERT, text="Nöjd?", choices=["a", "b"]
    )
    choice = services.add_question(
        form,
        actor=None,
        kind=Kind.MULTIPLE,
        text="Vad?",
        choices=["a", " b ", ""],
        low_label="x",
    )

    assert scale.choices == []
    assert choice.option_texts("sv") == ["a", "b"]
    assert [key for key, _label in choice.options] == ["o1", "o2"]
    assert choice.low_label == ""


def test_questions_are_added_last_and_move_within_the_form():
    form = EvaluationFormFactory()
    first, _second, third = (
        services.add_question(form, actor=None, kind=Kind.TEXT, text=text)
        for text in ("Ett", "Två", "Tre")
    )

    services.move_question(third, actor=None, up=True)
    services.move_question(first, actor=None, up=True)  # already first

    assert [q.text for q in form.questions.all()] == ["Ett", "Tre", "Två"]
    assert [q.position for q in form.questions.all()] == [1, 2, 3]


def test_removing_a_question_closes_the_gap():
    form = EvaluationFormFactory()
    _first, second, _third = (
        services.add_question(form, actor=None, kind=Kind.TEXT, text=text)
        for text in ("Ett", "Två", "Tre")
    )

    services.remove_question(second, actor=None)

    assert [(q.text, q.position) for q in form.questions.all()] == [
        ("Ett", 1),
        ("Tre", 2),
    ]


# Attaching -------------------------------------------------------------------


def _form_for(cohort):
    form = EvaluationFormFactory(organisation=cohort.programme.organiser)
    QuestionFactory(form=form)
    return form


def test_session_evaluation_opens_when_the_session_ends_and_closes_days_later():
    session = SessionFactory()

    evaluation = services.attach(
        _form_for(session.cohort),
        session.cohort,
        actor=None,
        session=session,
        open_days=7,
    )

    assert evaluation.opens_at == session.ends_at
    assert evaluation.closes_at == session.ends_at + dt.timedelta(days=7)
    assert evaluation.anonymous


def test_cohort_evaluation_opens_when_the_last_session_ends():
    cohort = CohortFactory()
    SessionFactory(cohort=cohort)
    last = SessionFactory(
        cohort=cohort,
        starts_at=timezone.now() + dt.timedelta(days=60),
        ends_at=timezone.now() + dt.timedelta(days=60, hours=2),
    )

    evaluation = services.attach(_form_for(cohort), cohort, actor=None)

    assert evaluation.opens_at == last.ends_at


def test_form_of_another_organisation_cannot_be_attached():
    cohort = CohortFactory()
    form = EvaluationFormFactory()
    QuestionFactory(form=form)

    with pytest.raises(EvaluationError):
        services.attach(form, cohort, actor=None)


def test_session_of_another_cohort_cannot_be_attached():
    cohort = CohortFactory()
    other = SessionFactory()

    with pytest.raises(EvaluationError):
        services.attach(_form_for(cohort), cohort, actor=None, session=other)


def test_form_is_attached_once_per_session():
    session = SessionFactory()
    form = _form_for(session.cohort)
    services.attach(form, session.cohort, actor=None, session=session)

    with pytest.raises(EvaluationError):
        services.attach(form, session.cohort, actor=None, session=session)

    assert Evaluation.objects.count() == 1


def test_evaluation_with_answers_cannot_be_removed():
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form)
    (person,) = participants(evaluation.cohort, 1)
    services.submit(evaluation, person, {question: 3})

    with pytest.raises(EvaluationError):
        services.detach(evaluation, actor=None)

    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


# Answering ---------------------------------------------------------------------


def test_anonymous_response_has_no_person_and_keeps_only_the_day():
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form)
    (person,) = participants(evaluation.cohort, 1)

    response = services.submit(evaluation, person, {question: 5})

    response.refresh_from_db()
    assert response.person is None
    assert response.submitted_on == timezone.localdate()
    assert not any(
        isinstance(f, models.DateTimeField) for f in Response._meta.concrete_fields
    )
    assert Receipt.objects.get(evaluation=evaluation).person == person
    assert [f.name for f in Receipt._meta.concrete_fields] == [
        "id",
        "evaluation",
        "person",
    ]


def test_named_evaluation_stores_the_person_on_the_response():
    evaluation = EvaluationFactory(anonymous=False)
    question = QuestionFactory(form=evaluation.form)
    (person,) = participants(evaluation.cohort, 1)

    response = services.submit(evaluation, person, {question: 5})

    assert response.person == person


def test_person_answers_once():
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form)
    (person,) = participants(evaluation.cohort, 1)
    services.submit(evaluation, person, {question: 5})

    with pytest.raises(EvaluationError):
        services.submit(evaluation, person, {question: 1})

    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "status", [Registration.Status.WAITLISTED, Registration.Status.CANCELLED]
)
def test_only_confirmed_participants_answer(status):
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form)
    person = RegistrationFactory(cohort=evaluation.cohort, status=status).person

    with pytest.raises(EvaluationError):
        services.submit(evaluation, person, {question: 5})

    assert not Receipt.objects.exists()


def test_closed_evaluation_takes_no_answers():
    evaluation = EvaluationFactory(
        opens_at=timezone.now() - dt.timedelta(days=20),
        closes_at=timezone.now() - dt.timedelta(days=6),
    )
    question = QuestionFactory(form=evaluation.form)
    (person,) = participants(evaluation.cohort, 1)

    with pytest.raises(EvaluationError):
        services.submit(evaluation, person, {question: 5})


def test_required_question_needs_an_answer_and_nothing_is_stored_without():
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form, required=True)
    (person,) = participants(evaluation.cohort, 1)

    with pytest.raises(ValidationError):
        services.submit(evaluation, person, {question: None})

    assert not Receipt.objects.exists()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [(Kind.LIKERT, 6), (Kind.NPS, 11), (Kind.SINGLE, "Annat"), (Kind.MULTIPLE, ["x"])],
)
def test_value_outside_the_question_is_refused(kind, value):
    evaluation = EvaluationFactory()
    choices = ["Digitalt", "På plats"] if kind in Question.CHOICE_KINDS else []
    question = QuestionFactory(form=evaluation.form, kind=kind, choices=choices)
    (person,) = participants(evaluation.cohort, 1)

    with pytest.raises(ValidationError):
        services.submit(evaluation, person, {question: value})

    assert not Response.objects.exists()


def test_multiple_choice_stores_one_answer_per_option():
    evaluation = EvaluationFactory()
    question = QuestionFactory(
        form=evaluation.form, kind=Kind.MULTIPLE, choices=["a", "b", "c"]
    )
    (person,) = participants(evaluation.cohort, 1)

    response = services.submit(evaluation, person, {question: ["a", "c", "a"]})

    # The option's key is stored, not the text it was read in.
    assert sorted(response.answers.values_list("choice", flat=True)) == ["o1", "o3"]


# Invitations ------------------------------------------------------------------


def test_participants_are_invited_once_when_the_evaluation_opens(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    people = participants(session.cohort, 3)
    RegistrationFactory(cohort=session.cohort, status=Registration.Status.WAITLISTED)
    evaluation = services.attach(
        _form_for(session.cohort), session.cohort, actor=None, session=session
    )

    with django_capture_on_commit_callbacks(execute=True):
        before = services.invite_after_sessions(now=session.ends_at - dt.timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite_after_sessions(now=session.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.invite_after_sessions(now=session.ends_at)

    assert (before, first, second) == (0, 3, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert f"/evaluations/{evaluation.pk}/" in mailoutbox[0].body


def test_invitation_is_not_repeated_even_when_the_job_forgets_it_ran(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    participants(session.cohort, 2)
    evaluation = services.attach(
        _form_for(session.cohort), session.cohort, actor=None, session=session
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_after_sessions(now=session.ends_at)
    Evaluation.objects.filter(pk=evaluation.pk).update(invited_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.invite_after_sessions(now=session.ends_at)

    assert len(mailoutbox) == 2


def test_evaluation_follows_its_session_until_it_opens():
    session = SessionFactory()
    evaluation = services.attach(
        _form_for(session.cohort), session.cohort, actor=None, session=session
    )
    session.starts_at += dt.timedelta(days=7)
    session.ends_at += dt.timedelta(days=7)
    session.save()

    services.invite_after_sessions(now=timezone.now())

    evaluation.refresh_from_db()
    assert evaluation.opens_at == session.ends_at


def test_open_evaluations_are_those_not_yet_answered_in_ones_cohorts():
    evaluation = EvaluationFactory()
    question = QuestionFactory(form=evaluation.form)
    answered = EvaluationFactory(cohort=evaluation.cohort)
    QuestionFactory(form=answered.form)
    EvaluationFactory(
        cohort=evaluation.cohort, opens_at=timezone.now() + dt.timedelta(days=1)
    )
    EvaluationFactory()  # another cohort
    (person,) = participants(evaluation.cohort, 1)
    services.submit(answered, person, {})

    open_ = list(selectors.open_evaluations_for(person))

    assert open_ == [evaluation]
    assert question.form == evaluation.form
    assert list(selectors.open_evaluations_for(PersonFactory())) == []
