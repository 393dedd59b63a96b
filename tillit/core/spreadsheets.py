"""Spreadsheets that Tillit hands out: CSV and .xlsx (openpyxl), for every
export (registrations, the HR dashboard, evaluation results).

The CSV is what Excel in Sweden and Finland opens correctly with a
double-click: UTF-8 with a byte-order mark, semicolons between fields (the
comma is the decimal sign there) and CRLF line ends (NordicExcel). Text that a
spreadsheet could take for a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe in both formats, so a name such as
"=HYPERLINK(...)" stays text (neutralise).
"""

import csv
import datetime as dt
import io
import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The media types (without parameters) of the exports above.
TYPES = (CSV_TYPE.split(";")[0], XLSX_TYPE)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """Text a spreadsheet would run as a formula, made harmless; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# CSV ------------------------------------------------------------------------------


class NordicExcel(csv.excel):
    """The CSV dialect of Excel in Sweden and Finland."""

    delimiter = ";"
    lineterminator = "\r\n"


class _Line:
    """A file-like object csv.writer writes one line into and hands back."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """A header and rows as CSV for Nordic Excel, a line of bytes at a time
    (for StreamingHttpResponse): the byte-order mark with the header, then the
    rows. Every cell is neutralised; None is empty and a datetime is written
    as "2027-03-01 09:30"."""
    writer = csv.writer(_Line(), dialect=NordicExcel)
    yield writer.writerow([neutralise(title) for title in header]).encode("utf-8-sig")
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row]).encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value)


# .xlsx ----------------------------------------------------------------------------


def sheet_title(name):
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters."""
    return SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Export"


def write_table(sheet, columns, rows):
    """Fill a sheet of a write-only workbook (openpyxl keeps no rows in memory,
    so the memory used does not grow with `rows`): a bold, frozen, filtered
    header of (title, width in characters) `columns`, then `rows` of plain
    values, neutralised, datetimes (naive) with DATETIME_FORMAT."""
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, neutralise(title)) for title, _width in columns])
    count = 1
    for row in rows:
        sheet.append([_cell(sheet, neutralise(value)) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"


def _bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def append(sheet, values, *, bold=False):
    """Add a row to a sheet of an ordinary workbook, every value neutralised
    and text kept as text; bold (a header or a total) when asked."""
    sheet.append([neutralise(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)


def set_widths(sheet, widths):
    """Column widths in characters, from column A on."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def to_bytes(workbook):
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
