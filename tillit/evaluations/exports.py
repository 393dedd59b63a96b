"""Results as an .xlsx workbook (openpyxl, write-only): a summary sheet of the
aggregates and an answers sheet with the anonymous answers, one row per
respondent and question.

The anonymity rule of results.py holds here too: only evaluations with at least
ANONYMITY_THRESHOLD responses contribute, only questions with that many answers
in them are listed, and respondents are numbered in the order of their random
keys. Text that a spreadsheet could take for a formula is neutralised
(core.spreadsheets, as in every export).
"""

import io
import itertools
import tempfile
from collections import defaultdict

from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tillit.core.spreadsheets import neutralise, set_widths, sheet_title

from . import results
from .models import ANONYMITY_THRESHOLD, Answer, Question

__all__ = ["filename", "to_xlsx", "xlsx_file"]

#: Answers read from the database at a time while writing the answers sheet.
CHUNK = 2000


def write_xlsx(file, evaluations, *, title):
    """Write the workbook for the evaluations (any mix of forms) to `file`.

    openpyxl's write-only mode writes each row as it is appended and the
    answers are read CHUNK at a time, so the memory taken does not grow with
    the number of answers (a cohort of 2,000 answering ten questions)."""
    workbook = Workbook(write_only=True)
    _write_summary(workbook.create_sheet(sheet_title(_("Summary"))), evaluations, title)
    _write_answers(workbook.create_sheet(sheet_title(_("Answers"))), evaluations)
    workbook.save(file)


def to_xlsx(evaluations, *, title):
    """The workbook's bytes for the evaluations (any mix of forms)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, evaluations, title=title)
    return buffer.getvalue()


def xlsx_file(evaluations, *, title):
    """The workbook in an open temporary file at its start, for a FileResponse
    (which sends it in blocks and closes it)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(file, evaluations, title=title)
    file.seek(0)
    return file


def _widths(sheet, widths):
    """Column widths; in write-only mode they must come before the first row."""
    set_widths(sheet, widths)


def _cell(sheet, value, font=None):
    """A cell for write-only mode: neutralised, text stored as text."""
    cell = WriteOnlyCell(sheet, value=neutralise(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _header(sheet, titles):
    sheet.append([_cell(sheet, t, Font(bold=True)) for t in titles])


def _append(sheet, row):
    sheet.append([_cell(sheet, value) for value in row])


def _write_summary(sheet, evaluations, title):
    _widths(sheet, [24, 50, 18, 10, 10, 8, 36, 8, 10])
    sheet.append([_cell(sheet, title, Font(bold=True, size=14))])
    _append(
        sheet,
        [
            _("Results are shown from %(threshold)s answers.")
            % {"threshold": ANONYMITY_THRESHOLD}
        ],
    )
    _append(sheet, [])
    _header(
        sheet,
        [
            _("Form"),
            _("Question"),
            _("Kind"),
            _("Answers"),
            _("Average"),
            _("NPS"),
            _("Option"),
            _("Count"),
            _("Share (%)"),
        ],
    )
    by_form = defaultdict(list)
    for evaluation in evaluations:
        by_form[evaluation.form].append(evaluation)
    for form, group in by_form.items():
        summary = results.summarise(form, group, with_texts=False)
        if not summary.shown:
            _append(sheet, [form.title, _waiting()])
            continue
        for result in summary.questions:
            _summary_rows(sheet, form, result)


def _waiting():
    return _(
        "Results are shown once the evaluation has closed, if at least "
        "%(threshold)s have answered."
    ) % {"threshold": ANONYMITY_THRESHOLD}


def _summary_rows(sheet, form, result):
    question = result.question
    start = [form.title, question.text, question.get_kind_display()]
    if not result.shown:
        _append(sheet, [*start, None, _waiting()])
        return
    average = round(result.average, 2) if result.average is not None else None
    _append(sheet, [*start, result.answered, average, result.nps])
    for option in result.options:
        _append(
            sheet,
            [
                *start,
                None,
                None,
                None,
                option.label,
                option.count,
                round(option.share, 1),
            ],
        )


def _write_answers(sheet, evaluations):
    """One row per respondent and question, for the questions that at least
    ANONYMITY_THRESHOLD people answered in that evaluation: those counts in
    one query first, then the answers in order, read CHUNK at a time."""
    shown, _responses, _waiting_count = results.counted(evaluations)
    named = any(not e.anonymous for e in shown)
    titles = [_("Cohort"), _("Evaluated"), _("Respondent")]
    titles += [_("Name")] if named else []
    _widths(sheet, [20, 36, 12, 24, 50, 50])
    sheet.freeze_panes = "A2"
    _header(sheet, [*titles, _("Question"), _("Answer")])
    answers = Answer.objects.filter(response__evaluation__in=shown)
    answered = {
        (row["response__evaluation"], row["question"]): row["n"]
        for row in answers.values("response__evaluation", "question")
        .annotate(n=Count("response", distinct=True))
        .order_by()
    }
    ordered = answers.select_related(
        "question",
        "response__person",
        "response__evaluation__cohort",
        "response__evaluation__session",
    ).order_by(
        "response__evaluation__pk",
        "response_id",
        "question__position",
        "question_id",
        "pk",
    )
    numbers = {}
    grouped = itertools.groupby(
        ordered.iterator(chunk_size=CHUNK),
        key=lambda answer: (answer.response_id, answer.question_id),
    )
    for (response_id, question_id), group in grouped:
        group = list(group)
        response = group[0].response
        if answered[(response.evaluation_id, question_id)] < ANONYMITY_THRESHOLD:
            continue
        number = numbers.setdefault(response_id, len(numbers) + 1)
        evaluation = response.evaluation
        row = [evaluation.cohort.name, evaluation.subject, number]
        if named:
            row.append(response.person.get_full_name() if response.person else "")
        row += [group[0].question.text, _value(group)]
        _append(sheet, row)


def _value(group):
    question = group[0].question
    if question.kind in Question.NUMBER_KINDS:
        return group[0].number
    if question.kind == Question.Kind.TEXT:
        return group[0].text
    order = {key: index for index, (key, _label) in enumerate(question.options)}
    chosen = sorted((answer.choice for answer in group), key=lambda c: order.get(c, 0))
    return "; ".join(question.option_label(key) for key in chosen)


def filename(programme, scope=None):
    """E.g. "esv-strategisk-verksamhetsstyrning-varen-2027-utvardering.xlsx"."""
    parts = [programme.slug]
    if scope is not None:
        parts.append(slugify(getattr(scope, "name", None) or scope.subject))
    stem = "-".join(p for p in parts if p)
    return f"{stem}-{slugify(_('evaluation'))}.xlsx"
