"""A cohort's registrations as a spreadsheet: .xlsx and CSV, written as every
export is (core.spreadsheets: the CSV for Nordic Excel, formulas neutralised).
"""

import io
import tempfile

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tillit.core import spreadsheets
from tillit.core.spreadsheets import CSV_TYPE, XLSX_TYPE

from . import selectors


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


def stream_csv(cohort, organisation=None):
    """The registrations as CSV for Nordic Excel, a line of bytes at a time
    (for StreamingHttpResponse): the byte-order mark, the header, the rows."""
    header = [title for title, _width, _get in columns()]
    yield from spreadsheets.csv_lines(header, iter_rows(cohort, organisation))


def to_csv(cohort, organisation=None):
    """The registrations as CSV bytes for Nordic Excel."""
    return b"".join(stream_csv(cohort, organisation))


def write_xlsx(file, cohort, organisation=None):
    """Write the registrations as an .xlsx workbook (bold frozen header, real
    dates) to `file`, row by row: openpyxl's write-only mode keeps no sheet in
    memory, so the memory used does not grow with the cohort."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spreadsheets.sheet_title(cohort.name))
    header = [(title, width) for title, width, _get in columns()]
    spreadsheets.write_table(sheet, header, iter_rows(cohort, organisation))
    workbook.save(file)


def to_xlsx(cohort, organisation=None):
    """The registrations as .xlsx bytes."""
    buffer = io.BytesIO()
    write_xlsx(buffer, cohort, organisation)
    return buffer.getvalue()


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
