import io

import pytest
from openpyxl import load_workbook

from tillit.core import charts
from tillit.evaluations import exports, results
from tillit.evaluations.models import Question
from tillit.programmes.tests.factories import CohortFactory

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
def form():
    form = EvaluationFormFactory()
    QuestionFactory(form=form, kind=Kind.LIKERT, text="Nöjd?", position=1)
    QuestionFactory(
        form=form,
        kind=Kind.SINGLE,
        text="Hur föredrar du att delta?",
        choices=["Digitalt", "På plats", "Båda"],
        position=2,
    )
    QuestionFactory(
        form=form,
        kind=Kind.MULTIPLE,
        text="Vad gav mest?",
        choices=["A", "B"],
        position=3,
    )
    QuestionFactory(form=form, kind=Kind.NPS, text="Rekommendera?", position=4)
    QuestionFactory(form=form, kind=Kind.TEXT, text="Förbättra?", position=5)
    return form


LIKERT = [5, 4, 4, 3, 5, 2]
WHERE = ["Digitalt", "Digitalt", "På plats", "Digitalt", "Båda", "Digitalt"]
GAVE = [["A"], ["A", "B"], ["B"], ["A"], ["A"], []]
NPS = [10, 9, 7, 3, 6, 10]
TEXT = ["Mer tid", '=HYPERLINK("http://x")', "", "Fler pauser", "Bra", "Kortare"]


def _answers(form):
    likert, where, gave, nps, text = form.questions.all()
    return lambda i: {
        likert: LIKERT[i],
        where: WHERE[i],
        gave: GAVE[i],
        nps: NPS[i],
        text: TEXT[i],
    }


def _evaluation(form, answers, cohort=None, closed=True):
    cohort = cohort or CohortFactory(programme__organiser=form.organisation)
    evaluation = EvaluationFactory(form=form, cohort=cohort)
    answer_as(evaluation, participants(cohort, answers), _answers(form))
    return close(evaluation) if closed else evaluation


def test_four_answers_show_nothing(form):
    evaluation = _evaluation(form, 4)

    summary = results.summarise(form, [evaluation])

    assert not summary.shown
    assert summary.waiting == 1  # evaluations, not answers
    assert not any(q.shown or q.texts or q.options for q in summary.questions)


def test_five_answers_show_averages_nps_and_distributions(form):
    evaluation = _evaluation(form, 5)

    summary = results.summarise(form, [evaluation])

    likert, where, gave, nps, text = summary.questions
    assert summary.shown and summary.responses == 5
    assert likert.average == pytest.approx(21 / 5)
    assert [o.count for o in likert.options] == [0, 0, 1, 2, 2]
    assert [(o.label, o.count, o.share) for o in where.options] == [
        ("Digitalt", 3, 60.0),
        ("På plats", 1, 20.0),
        ("Båda", 1, 20.0),
    ]
    # Shares of respondents, so they may add up to more than 100.
    assert [(o.count, o.share) for o in gave.options] == [(4, 80.0), (2, 40.0)]
    # Promoters 10, 9 (2 of 5), detractors 3, 6 (2 of 5): NPS 0.
    assert (nps.promoters, nps.detractors, nps.nps) == (40.0, 40.0, 0)
    assert not text.shown  # four wrote something


def test_free_text_answers_are_listed_from_five(form):
    evaluation = _evaluation(form, 6)

    text = results.summarise(form, [evaluation]).questions[4]

    assert sorted(text.texts) == sorted(t for t in TEXT if t)


def test_question_with_fewer_than_five_answers_stays_hidden(form):
    evaluation = _evaluation(form, 5)

    summary = results.summarise(form, [evaluation])

    text = summary.questions[4]
    assert text.answered == 4
    assert not text.shown and text.texts == []


def test_chart_describes_every_bar_in_words(form):
    evaluation = _evaluation(form, 5)

    where = results.summarise(form, [evaluation]).questions[1]

    assert where.chart.title == "Hur föredrar du att delta?"
    assert "Digitalt: 3" in where.chart.description
    assert [bar.value for bar in where.chart.bars] == [
        "3 (60 %)",
        "1 (20 %)",
        "1 (20 %)",
    ]


def test_evaluation_below_threshold_is_left_out_of_totals(form):
    shown = _evaluation(form, 5)
    hidden = _evaluation(form, 4)

    summary = results.summarise(form, [shown, hidden])

    assert summary.responses == 5
    assert summary.waiting == 1  # evaluations, not answers
    assert summary.questions[0].answered == 5


def test_comparison_shows_cohorts_from_five_answers(form):
    five = _evaluation(form, 5)
    four = _evaluation(form, 4, cohort=CohortFactory(programme=five.cohort.programme))
    cohorts = [five.cohort, four.cohort]

    columns, comparisons = results.compare_cohorts(form, [five, four], cohorts)

    assert [c.shown for c in columns] == [True, False]
    where = next(c for c in comparisons if c.question.kind == Kind.SINGLE)
    digital = where.rows[0]
    assert digital.cells == [60.0, None]
    assert where.answered == [5, None]
    likert = comparisons[0]
    assert likert.rows[0].cells == [pytest.approx(4.2), None]
    assert all(c.question.kind != Kind.TEXT for c in comparisons)


def _sheets(content):
    workbook = load_workbook(io.BytesIO(content))
    summary, answers = workbook.worksheets
    return (
        [list(r) for r in summary.iter_rows(values_only=True)],
        [list(r) for r in answers.iter_rows(values_only=True)],
    )


def test_export_of_four_answers_has_no_answers(form):
    evaluation = _evaluation(form, 4)

    summary, answers = _sheets(exports.to_xlsx([evaluation], title="Test"))

    assert len(answers) == 1  # the header only
    cells = {c for row in summary for c in row if c is not None}
    assert "Mer tid" not in cells
    assert any("if at least 5 have answered" in str(c) for c in cells)
    assert 4 not in cells


def test_export_of_five_answers_lists_aggregates_and_neutralised_answers(form):
    evaluation = _evaluation(form, 5)

    summary, answers = _sheets(exports.to_xlsx([evaluation], title="Test"))

    assert [summary[4][1], summary[4][4]] == ["Nöjd?", 4.2]
    values = [row[-1] for row in answers[1:]]
    assert '\'=HYPERLINK("http://x")' not in values  # free text has 4 answers
    assert {row[2] for row in answers[1:]} == {1, 2, 3, 4, 5}
    assert "A; B" in values
    assert answers[0][:3] == ["Cohort", "Evaluated", "Respondent"]


def test_export_neutralises_formula_text(form):
    evaluation = _evaluation(form, 5, closed=False)
    text = form.questions.get(kind=Kind.TEXT)
    people = participants(evaluation.cohort, 1)
    answer_as(evaluation, people, lambda i: {text: "=1+1"})
    close(evaluation)

    _summary, answers = _sheets(exports.to_xlsx([evaluation], title="=Test"))

    values = [row[-1] for row in answers[1:]]
    assert "'=1+1" in values
    assert '\'=HYPERLINK("http://x")' in values
    assert "=1+1" not in values


def test_comparison_chart_has_a_bar_for_each_shown_cohort_on_its_scale(form):
    five = _evaluation(form, 5)
    four = _evaluation(form, 4, cohort=CohortFactory(programme=five.cohort.programme))
    cohorts = [five.cohort, four.cohort]

    _columns, comparisons = results.compare_cohorts(form, [five, four], cohorts)

    where = next(c for c in comparisons if c.question.kind == Kind.SINGLE)
    heading = where.chart.headings[0].text
    assert heading == where.rows[0].label
    first = where.chart.bars[0]
    assert (first.label, first.text) == (five.cohort.name, "60 %")
    assert first.width == round(charts.BAR_MAX * 0.6)  # on the scale 0–100 %
    assert len(where.chart.bars) == len(where.rows)  # the hidden cohort has none
    assert five.cohort.name in where.chart.description
