"""The HR dashboard as an .xlsx workbook. Text that a spreadsheet could take
for a formula is neutralised (registrations.exports.neutralise)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tillit.registrations.exports import XLSX_TYPE, neutralise

__all__ = ["XLSX_TYPE", "dashboard_xlsx"]


def dashboard_xlsx(organisation, rows, total):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rollout")[:31]
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
    sheet.append([neutralise(str(organisation))])
    sheet["A1"].font = Font(bold=True)
    sheet.append([neutralise(title) for title in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in [*rows, total]:
        sheet.append(
            [
                neutralise(row.name or _("All departments")),
                row.managers,
                row.completed,
                row.in_progress,
                row.planned,
                row.not_planned,
                row.excluded,
                row.covered_share,
                row.follow_ups_done,
            ]
        )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
