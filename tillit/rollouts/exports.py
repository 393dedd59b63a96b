"""The HR dashboard as an .xlsx workbook, written as every export is
(core.spreadsheets: text that a spreadsheet could take for a formula is
neutralised)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from tillit.core import spreadsheets


def dashboard_xlsx(organisation, rows, total):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spreadsheets.sheet_title(_("Rollout"))
    header = [
        _("Department"),
        _("Managers"),
        _("Completed"),
        _("In progress"),
        _("Planned"),
        _("Not yet planned"),
        _("Left out"),
        _("Planned or done (%)"),
        _("Follow-ups held"),
    ]
    spreadsheets.append(sheet, [str(organisation)], bold=True)
    spreadsheets.append(sheet, header, bold=True)
    for row in rows:
        spreadsheets.append(sheet, _values(row))
    spreadsheets.append(sheet, _values(total), bold=True)
    spreadsheets.set_widths(sheet, [40])
    sheet.freeze_panes = "A3"
    return spreadsheets.to_bytes(workbook)


def _values(row):
    return [
        row.name or _("All departments"),
        row.managers,
        row.completed,
        row.in_progress,
        row.planned,
        row.not_planned,
        row.excluded,
        row.covered_share,
        row.follow_ups_done,
    ]
