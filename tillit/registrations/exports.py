"""A cohort's registrations as a spreadsheet: .xlsx (openpyxl) and CSV.

The CSV is what Excel in Sweden and Finland opens correctly with a double-click:
UTF-8 with a byte-order mark, semicolons between fields (the comma is the decimal
sign there) and CRLF line ends. Text that a spreadsheet could take for a formula
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe in
both formats, so a name such as "=HYPERLINK(...)" stays text.
"""

import csv
import datetime as dt
import io
import re
import tempfile

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import selectors

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """Text a spreadsheet would run as a formula, made harmless; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment):
    """An aware datetime as a naive one in the site's time zone (spreadsheets
    have no time zones), or None."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def columns():
    """(header, width in characters, value of a registration) in export order.

    Headers are translated when called, in the active language."""
    return [
        (_("Status"), 16, lambda r, pos: r.get_status_display()),
        (_("Position on waitlist"), 10, lambda r, pos: pos),
        (_("First name"), 16, lambda r, pos: r.person.first_name),
        (_("Last name"), 18, lambda r, pos: r.person.last_name),
        (_("E-mail"), 30, lambda r, pos: r.person.email),
        (_("Organisation"), 30, lambda r, pos: _org(r.person, "name")),
        (_("Organisation code"), 12, lambda r, pos: _org(r.person, "code")),
        (_("Unit"), 24, lambda r, pos: r.person.unit.name if r.person.unit else ""),
        (_("Title"), 24, lambda r, pos: r.person.title),
        (_("Role"), 20, lambda r, pos: r.person.get_role_category_display()),
        (_("Registered at"), 17, lambda r, pos: _local(r.created_at)),
        (_("Confirmed at"), 17, lambda r, pos: _local(r.confirmed_at)),
    ]


def _org(person, attribute):
    return getattr(person.organisation, attribute) if person.organisation else ""


#: Registrations read from the database at a time while writing an export.
CHUNK = 500


def iter_rows(cohort, organisation=None):
    """The cohort's active registrations, seats first, then the waitlist in
    order, as lists of plain values (datetimes naive and local), read from the
    database CHUNK at a time so that a cohort of thousands is never in memory
    at once. With an organisation, only its people, at their positions on the
    whole waitlist."""
    getters = [getter for _header, _width, getter in columns()]
    position = 0
    registrations = selectors.registrations_for_cohort(cohort)
    for registration in registrations.iterator(chunk_size=CHUNK):
        waiting = registration.status == registration.Status.WAITLISTED
        position = position + 1 if waiting else position
        pos = position if waiting else None
        if organisation and registration.person.organisation_id != organisation.pk:
            continue
        yield [getter(registration, pos) for getter in getters]


def rows(cohort, organisation=None):
    """iter_rows() as a list (for tests and small cohorts)."""
    return list(iter_rows(cohort, organisation))


class _Line:
    """A file-like object csv.writer writes one line into and hands back."""

    def write(self, value):
        return value


def stream_csv(cohort, organisation=None):
    """The registrations as CSV for Nordic Excel, a line of bytes at a time
    (for StreamingHttpResponse): the byte-order mark, the header, the rows."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield writer.writerow([neutralise(h) for h, _width, _get in columns()]).encode(
        "utf-8-sig"
    )
    for row in iter_rows(cohort, organisation):
        yield writer.writerow([_csv_cell(value) for value in row]).encode("utf-8")


def to_csv(cohort, organisation=None):
    """The registrations as CSV bytes for Nordic Excel."""
    return b"".join(stream_csv(cohort, organisation))


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value)


def write_xlsx(file, cohort, organisation=None):
    """Write the registrations as an .xlsx workbook (bold frozen header, real
    dates) to `file`, row by row: openpyxl's write-only mode keeps no sheet in
    memory, so the memory used does not grow with the cohort."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(cohort.name))
    header = columns()
    for index, (_title, width, _get) in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, neutralise(title)) for title, _w, _get in header])
    count = 1
    for row in iter_rows(cohort, organisation):
        sheet.append([_cell(sheet, neutralise(value)) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    workbook.save(file)


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


def to_xlsx(cohort, organisation=None):
    """The registrations as .xlsx bytes."""
    buffer = io.BytesIO()
    write_xlsx(buffer, cohort, organisation)
    return buffer.getvalue()


def _sheet_title(name):
    return SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Export"


def cohort_export(cohort, fmt, organisation=None):
    """(content, content type) of the export in `fmt`: "xlsx" or "csv"; with an
    organisation, only its people (for invoicing). The content is an iterable
    of bytes for CSV and an open temporary file for .xlsx, for a streaming
    response: neither holds the whole list in memory."""
    if fmt == "xlsx":
        # Closed by the FileResponse it is handed to, once sent.
        file = tempfile.TemporaryFile()  # noqa: SIM115
        write_xlsx(file, cohort, organisation)
        file.seek(0)
        return file, XLSX_TYPE
    if fmt == "csv":
        return stream_csv(cohort, organisation), CSV_TYPE
    raise ValueError(f"Unknown export format: {fmt}")


def export_filename(cohort, fmt, organisation=None):
    """E.g. "strategisk-verksamhetsstyrning-var-2027.xlsx", with the
    organisation's name at the end for an export of its people."""
    stem = f"{cohort.programme.slug}-{slugify(cohort.name)}".strip("-")
    if organisation is not None:
        stem = f"{stem}-{slugify(organisation.short_name or organisation.name)}"
    return f"{stem or 'cohort'}.{fmt}"
