"""Results of evaluations: aggregates, the cross-cohort comparison and charts.

The anonymity rule: an evaluation (one session's or one cohort's) counts only
once it has closed and has ANONYMITY_THRESHOLD responses, so its figures appear
once, all at the same time, and never change because one more person answered
(comparing a page before and after someone answers shows nothing). While it is
open, or below the threshold, no number of its answers is shown at all, and a
question's figures are shown only from that many answers. Every aggregate,
whether of a cohort, a programme or one cohort in the comparison, sums
evaluations that count on their own, so no difference between two shown
figures can reveal a smaller group.
Free-text answers come in the order of the responses' random keys, never in the
order they were given.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core import charts

from .models import ANONYMITY_THRESHOLD, Answer, Question

Kind = Question.Kind
CHART_WIDTH = 640
BAR_LEFT = 8
BAR_MAX = 460
ROW_HEIGHT = 44


@dataclass
class Option:
    label: str
    count: int
    share: float  # per cent of the question's respondents


@dataclass
class Bar:
    """A bar's label above it, the bar, and its number after it; whole pixels,
    so that no locale writes a decimal comma into the SVG."""

    label: str
    value: str
    y: int
    width: int

    @property
    def label_y(self):
        return self.y + 16

    @property
    def bar_y(self):
        return self.y + 22

    @property
    def value_x(self):
        return BAR_LEFT + self.width + 8

    @property
    def value_y(self):
        return self.y + 34


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH


@dataclass
class QuestionResult:
    question: Question
    answered: int
    shown: bool
    options: list[Option] = field(default_factory=list)
    average: float | None = None
    nps: int | None = None
    promoters: float | None = None
    detractors: float | None = None
    texts: list[str] = field(default_factory=list)
    chart: Chart | None = None

    @property
    def threshold(self):
        return ANONYMITY_THRESHOLD


@dataclass
class Results:
    responses: int  # in evaluations that closed with enough answers
    waiting: int  # evaluations (not answers) that do not count, yet
    questions: list[QuestionResult]

    @property
    def shown(self):
        return self.responses >= ANONYMITY_THRESHOLD

    @property
    def threshold(self):
        return ANONYMITY_THRESHOLD


def counted(evaluations, now=None):
    """(evaluations that count, responses in them, number of evaluations that do
    not count yet). An evaluation counts once it has closed with at least
    ANONYMITY_THRESHOLD responses; `evaluations` carry answer_count or are
    annotated here."""
    now = now or timezone.now()
    rows = [
        (evaluation, evaluation.answer_count)
        for evaluation in _with_counts(evaluations)
    ]
    shown = [e for e, n in rows if is_countable(e, n, now)]
    return (
        shown,
        sum(n for e, n in rows if is_countable(e, n, now)),
        sum(1 for e, n in rows if not is_countable(e, n, now)),
    )


def is_countable(evaluation, answers, now):
    """Whether the evaluation's results may be shown: closed, and enough answers."""
    return evaluation.closes_at <= now and answers >= ANONYMITY_THRESHOLD


def _with_counts(evaluations):
    if all(hasattr(e, "answer_count") for e in evaluations):
        return evaluations
    from .models import Evaluation

    pks = [e.pk for e in evaluations]
    return Evaluation.objects.filter(pk__in=pks).annotate(
        answer_count=Count("responses")
    )


def summarise(form, evaluations, *, with_texts=True):
    """The results of the form over the evaluations, by question."""
    shown, responses, waiting = counted(evaluations)
    questions = list(form.questions.all())
    if responses < ANONYMITY_THRESHOLD:
        return Results(0, waiting, [QuestionResult(q, 0, False) for q in questions])
    tallies, respondents = _tallies(shown, questions)
    texts = _texts(shown, questions) if with_texts else {}
    results = [
        _result(
            q,
            tallies[(None, q.pk)],
            respondents[(None, q.pk)],
            texts.get(q.pk, []),
        )
        for q in questions
    ]
    return Results(responses, waiting, results)


def _tallies(evaluations, questions, by_cohort=False):
    """Counters of values and respondents per (cohort or None, question)."""
    group = "response__evaluation__cohort_id" if by_cohort else None
    answers = Answer.objects.filter(
        response__evaluation__in=evaluations, question__in=questions
    ).exclude(question__kind=Kind.TEXT)
    keys = ["question_id", "number", "choice", *([group] if group else [])]
    tallies = defaultdict(Counter)
    for row in answers.values(*keys).annotate(n=Count("id")).order_by():
        value = row["number"] if row["number"] is not None else row["choice"]
        tallies[(row.get(group), row["question_id"])][value] += row["n"]
    respondents = Counter()
    people = Answer.objects.filter(
        response__evaluation__in=evaluations, question__in=questions
    )
    keys = ["question_id", *([group] if group else [])]
    for row in (
        people.values(*keys).annotate(n=Count("response", distinct=True)).order_by()
    ):
        respondents[(row.get(group), row["question_id"])] = row["n"]
    return tallies, respondents


def _texts(evaluations, questions):
    texts = defaultdict(list)
    rows = (
        Answer.objects.filter(
            response__evaluation__in=evaluations,
            question__in=[q for q in questions if q.kind == Kind.TEXT],
        )
        .exclude(text="")
        .order_by("response_id", "pk")
        .values_list("question_id", "text")
    )
    for question_id, text in rows:
        texts[question_id].append(text)
    return texts


def _result(question, tally, answered, texts):
    result = QuestionResult(question, answered, answered >= ANONYMITY_THRESHOLD)
    if not result.shown:
        return result
    if question.kind == Kind.TEXT:
        result.texts = texts
        return result
    labels = _option_labels(question)
    result.options = [
        Option(str(label), tally[value], 100 * tally[value] / answered)
        for value, label in labels
    ]
    if question.kind in Question.NUMBER_KINDS:
        total = sum(value * n for value, n in tally.items())
        result.average = total / answered
    if question.kind == Kind.NPS:
        result.promoters = 100 * (tally[9] + tally[10]) / answered
        result.detractors = 100 * sum(tally[v] for v in range(7)) / answered
        result.nps = round(result.promoters - result.detractors)
    result.chart = chart(question, result.options, answered)
    return result


def _option_labels(question):
    """(stored value, label) pairs in the order the question offers them."""
    if question.kind in Question.NUMBER_KINDS:
        low, high = question.scale[0], question.scale[-1]
        ends = {low: question.low_label, high: question.high_label}
        return [
            (v, f"{v} – {ends[v]}" if ends.get(v) else str(v)) for v in question.scale
        ]
    return question.options


def chart(question, options, answered):
    """A horizontal bar chart: every bar carries its label and its number, so
    nothing depends on colour."""
    top = max((o.share for o in options), default=0) or 1
    bars = [
        Bar(
            label=_shorten(option.label),
            value=_("%(count)s (%(share)s %%)")
            % {"count": option.count, "share": round(option.share)},
            y=index * ROW_HEIGHT,
            width=max(round(BAR_MAX * option.share / top), 1 if option.count else 0),
        )
        for index, option in enumerate(options)
    ]
    parts = "; ".join(
        _("%(label)s: %(count)s") % {"label": o.label, "count": o.count}
        for o in options
    )
    description = ngettext(
        "%(answered)s answer. %(parts)s.", "%(answered)s answers. %(parts)s.", answered
    ) % {
        "answered": answered,
        "parts": parts,
    }
    return Chart(
        id=f"chart-{question.pk}",
        title=question.text,
        description=description,
        bars=bars,
        height=len(options) * ROW_HEIGHT + 8,
    )


def _shorten(label, length=70):
    return label if len(label) <= length else label[: length - 1] + "…"


# Comparison across cohorts ---------------------------------------------------


@dataclass
class CohortColumn:
    cohort: object
    responses: int
    shown: bool


@dataclass
class ComparisonRow:
    """One question across cohorts: a row per measure (an option's share, the
    average or the NPS), a cell per cohort (None where the cohort is hidden)."""

    label: str
    cells: list
    measure: str  # "share", "average" or "nps"


@dataclass
class Comparison:
    question: Question
    answered: list  # answers per cohort, None where hidden
    rows: list[ComparisonRow]
    chart: charts.BarChart | None = None


def compare_cohorts(form, evaluations, cohorts):
    """Per question, per cohort: the share for each option and the averages.

    A cohort is shown only with ANONYMITY_THRESHOLD responses in evaluations that
    reach the threshold, and a question only with that many answers in it."""
    by_cohort = defaultdict(list)
    for evaluation in evaluations:
        by_cohort[evaluation.cohort_id].append(evaluation)
    included, columns = [], []
    for cohort in cohorts:
        shown, responses, _waiting = counted(by_cohort.get(cohort.pk, []))
        columns.append(CohortColumn(cohort, responses, responses > 0))
        included.extend(shown)
    questions = [q for q in form.questions.all() if q.kind != Kind.TEXT]
    tallies, respondents = _tallies(included, questions, by_cohort=True)
    comparisons = []
    for question in questions:
        results = [
            _result(question, tallies[(c.cohort.pk, question.pk)], n, [])
            if c.shown and (n := respondents[(c.cohort.pk, question.pk)])
            else QuestionResult(question, 0, False)
            for c in columns
        ]
        comparison = _comparison(question, results)
        comparison.chart = _comparison_chart(comparison, columns)
        comparisons.append(comparison)
    return columns, comparisons


#: The top of each measure's scale; the NPS (-100 to 100) is left to the table.
SCALE_TOP = {"share": 100, Kind.LIKERT: 5, Kind.NPS: 10}


def _comparison_chart(comparison, columns):
    """The comparison as bars: a group per measure, a bar per shown cohort."""
    groups = []
    for row in comparison.rows:
        if row.measure == "nps":
            continue
        items = [
            charts.Item(
                column.cohort.name,
                cell,
                f"{formats.number_format(round(cell))} %"
                if row.measure == "share"
                else formats.number_format(cell, 1),
            )
            for column, cell in zip(columns, row.cells, strict=True)
            if cell is not None
        ]
        top = SCALE_TOP.get(
            "share" if row.measure == "share" else comparison.question.kind
        )
        if items:
            groups.append(charts.Group(row.label, items, top))
    return charts.bar_chart(
        id=f"comparison-chart-{comparison.question.pk}",
        title=_("“%(question)s” by cohort") % {"question": comparison.question.text},
        groups=groups,
    )


def _comparison(question, results):
    answered = [r.answered if r.shown else None for r in results]
    rows = []
    if question.kind == Kind.LIKERT:
        rows.append(
            ComparisonRow(_("Average (1–5)"), [r.average for r in results], "average")
        )
    if question.kind == Kind.NPS:
        rows.append(ComparisonRow(_("NPS"), [r.nps for r in results], "nps"))
        rows.append(
            ComparisonRow(_("Average (0–10)"), [r.average for r in results], "average")
        )
    if question.kind in Question.CHOICE_KINDS:
        for index, (_key, label) in enumerate(question.options):
            rows.append(
                ComparisonRow(
                    _("%(option)s, share") % {"option": label},
                    [r.options[index].share if r.shown else None for r in results],
                    "share",
                )
            )
    return Comparison(question, answered, rows)
