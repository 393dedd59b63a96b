"""Reading an HR system's export of managers: .xlsx or CSV, then checking it.

Columns (Swedish, Finnish or English headers, any order, case and punctuation
ignored): employee id, name (or first and last name), e-mail, unit, title, own
manager's employee id, and optionally department (förvaltning). A header that
looks like one of these but is not understood stops the import with the headers
expected; other columns are listed as ignored. A CSV may use ; or , and be UTF-8
(with or without a byte-order mark) or Windows-1252, as older Excel saves it.

Files are read defensively (issue 16): an .xlsx is a zip whose uncompressed
sizes and compression ratios are checked before openpyxl opens it (a zip bomb
is refused in milliseconds), the sheet is read in read-only mode and reading
stops at the row and column limits; the management chain is walked without
recursion and refused past `MAX_CHAIN_DEPTH` levels.

`parse` turns bytes into rows of text or raises ImportFileError (a problem with
the whole file); `check` finds every bad row. Nothing here touches the database
except through the `known_managers` the caller passes.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tillit.core.errors import DomainError

MAX_ROWS = 20_000
#: The upload form refuses more; checked here too for every other caller.
MAX_BYTES = 5 * 1024 * 1024
#: Blank lines read before giving up (formatted but empty spreadsheet rows).
MAX_BLANK_ROWS = 5_000
MAX_COLUMNS = 60
#: An .xlsx may unpack to at most this much, and no member may be compressed
#: more than MAX_ZIP_RATIO times (spreadsheets are 5-20 times; bombs 1000+).
MAX_UNPACKED = 80 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 500
#: No real organisation is this deep; a longer chain is a broken manager column.
MAX_CHAIN_DEPTH = 100

HEADERS = {
    "employee_id": {
        "employeeid",
        "employeenumber",
        "employeeno",
        "employeenr",
        "empid",
        "empno",
        "staffid",
        "staffnumber",
        "personnelnumber",
        "personnelid",
        "id",
        "anställningsnummer",
        "anstnr",
        "anställningsid",
        "anställningsnr",
        "anställnummer",
        "personalnummer",
        "personalnr",
        "medarbetarid",
        "medarbetarnummer",
        "henkilönumero",
        "henkilöstönumero",
        "henkilönro",
        "työntekijänumero",
        "työntekijännumero",
        "työntekijätunnus",
        "palvelussuhdenumero",
    },
    "name": {
        "name",
        "fullname",
        "displayname",
        "employeename",
        "namn",
        "fullständigtnamn",
        "förochefternamn",
        "nimi",
        "kokonimi",
        "henkilönnimi",
    },
    "first_name": {
        "firstname",
        "givenname",
        "forename",
        "förnamn",
        "tilltalsnamn",
        "etunimi",
        "etunimet",
        "kutsumanimi",
    },
    "last_name": {"lastname", "surname", "familyname", "efternamn", "sukunimi"},
    "email": {
        "email",
        "emailaddress",
        "workemail",
        "mail",
        "epost",
        "epostadress",
        "epostarbete",
        "mejl",
        "mejladress",
        "sähköposti",
        "sähköpostiosoite",
        "työsähköposti",
    },
    "unit": {
        "unit",
        "orgunit",
        "organisationalunit",
        "organizationalunit",
        "team",
        "enhet",
        "organisationsenhet",
        "avdelning",
        "arbetsplats",
        "resultatenhet",
        "yksikkö",
        "organisaatioyksikkö",
        "tulosyksikkö",
        "työyksikkö",
    },
    "title": {
        "title",
        "jobtitle",
        "position",
        "role",
        "titel",
        "befattning",
        "befattningsbenämning",
        "yrkestitel",
        "roll",
        "nimike",
        "tehtävänimike",
        "ammattinimike",
        "virkanimike",
    },
    "manager_id": {
        "managerid",
        "manageremployeeid",
        "manageremployeenumber",
        "managersemployeeid",
        "managernumber",
        "ownmanagersemployeeid",
        "ownmanagerid",
        "linemanagerid",
        "linemanageremployeeid",
        "supervisorid",
        "reportsto",
        "manager",
        "chef",
        "chefsid",
        "chefid",
        "chefensid",
        "chefanstnr",
        "chefensanstnr",
        "chefensanställningsnummer",
        "chefsanställningsnummer",
        "närmastechef",
        "närmastechefanstnr",
        "närmastechefsanstnr",
        "närmastechefsanställningsnummer",
        "närmastechefensanställningsnummer",
        "esihenkilö",
        "esimies",
        "lähiesihenkilö",
        "esihenkilönhenkilönumero",
        "esihenkilönnumero",
        "esihenkilöntunnus",
        "esihenkilöntyöntekijänumero",
        "lähiesihenkilönhenkilönumero",
        "esimiehenhenkilönumero",
    },
    "department": {
        "department",
        "directorate",
        "division",
        "förvaltning",
        "verksamhetsområde",
        "toimiala",
        "palvelualue",
    },
}
REQUIRED = ("employee_id", "email", "unit", "manager_id")
#: Word stems that make an unknown header look like one of the columns: such a
#: header is refused rather than ignored ("Närmaste chef (namn)" is not an id).
STEMS = {
    "employee_id": ("anst", "personal", "medarbetar", "henkilönum", "employee"),
    "email": ("mail", "post", "sähköpost"),
    "unit": ("enhet", "yksikkö", "unit"),
    "manager_id": ("chef", "esihenkilö", "esimies", "manager", "supervisor"),
    "department": ("förvaltning", "toimiala", "department"),
}


def column_labels():
    return {
        "employee_id": _("employee id"),
        "name": _("name"),
        "first_name": _("first name"),
        "last_name": _("last name"),
        "email": _("e-mail"),
        "unit": _("unit"),
        "title": _("title"),
        "manager_id": _("own manager's employee id"),
        "department": _("department"),
    }


#: Headers shown when a column is not understood, per field.
EXAMPLES = {
    "employee_id": "Anställningsnummer, Anst.nr, Henkilönumero, Employee ID",
    "name": "Namn, Nimi, Name",
    "first_name": "Förnamn, Etunimi, First name",
    "last_name": "Efternamn, Sukunimi, Last name",
    "email": "E-post, Sähköposti, E-mail",
    "unit": "Enhet, Yksikkö, Unit",
    "title": "Titel, Befattning, Nimike, Title",
    "manager_id": (
        "Närmaste chef (anst.nr), Chefens anställningsnummer, "
        "Esihenkilön henkilönumero, Manager employee ID"
    ),
    "department": "Förvaltning, Toimiala, Department",
}


class ImportFileError(DomainError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Problem:
    line: int
    employee_id: str
    messages: list[str] = field(default_factory=list)

    def as_dict(self):
        return {
            "line": self.line,
            "employee_id": self.employee_id,
            "messages": self.messages,
        }


def _key(header):
    return re.sub(r"[^0-9a-zåäöéü]", "", str(header or "").strip().lower())


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class Table:
    rows: list
    ignored: list  # headers of columns not used


def parse(filename, content):
    """Rows as dicts of FIELDS plus `line` (the line number in the file)."""
    return read(filename, content).rows


def read(filename, content):
    """The rows and the headers of the columns that were left out."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(content)
    else:
        table = _csv_rows(content)
    if not table:
        raise ImportFileError(_("The file is empty."))
    (_line, header), body = table[0], table[1:]
    columns, ignored = _columns(header)
    if not body:
        raise ImportFileError(_("The file has a header row but no managers."))
    return Table([_row(line, row, columns) for line, row in body], ignored)


def _too_many_rows():
    return ImportFileError(
        _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
    )


def _keep_rows(numbered_rows):
    """Non-blank (line, cells) pairs, at most the header and MAX_ROWS, stopping
    as soon as a limit is passed rather than after reading everything."""
    kept, blank = [], 0
    for line, row in numbered_rows:
        row = list(row[:MAX_COLUMNS])
        if not any(_text(value) for value in row):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                break
            continue
        kept.append((line, row))
        if len(kept) > MAX_ROWS + 1:
            raise _too_many_rows()
    return kept


def _check_zip(content):
    """Refuse an .xlsx that would unpack to too much before anything opens it.
    zipfile reads no more than a member's declared size, so the declared
    sizes bound what openpyxl can unpack."""
    unreadable = ImportFileError(
        _("The file could not be read as an Excel workbook (.xlsx).")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable from error
    too_big = ImportFileError(
        _(
            "The workbook unpacks to far more than an HR export of %(max)s rows "
            "can hold. Save it again from Excel, or as CSV."
        )
        % {"max": MAX_ROWS}
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise too_big
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNPACKED or (
            member.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO
        ):
            raise too_big


def _xlsx_rows(content):
    from openpyxl import load_workbook

    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _keep_rows(enumerate(rows, start=1))
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    finally:
        workbook.close()


def _decode(content):
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV (semicolon separated)" on Swedish and Finnish Windows.
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is neither UTF-8 nor Windows text. Save it from Excel "
                'as "CSV UTF-8" or as an .xlsx workbook.'
            )
        ) from error


def _csv_rows(content):
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _keep_rows((reader.line_num, row) for row in reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error


def _columns(header):
    """(field -> column index, headers of ignored columns). Raises
    ImportFileError naming headers that look like a field but are not
    understood, and fields that are missing, with the headers expected."""
    columns, ignored, unclear = {}, [], []
    for index, title in enumerate(header):
        key = _key(title)
        if not key:
            continue
        name = next((n for n, words in HEADERS.items() if key in words), None)
        if name and name not in columns:
            columns[name] = index
        elif name:
            ignored.append(_text(title))
        else:
            guess = next(
                (n for n, stems in STEMS.items() if any(s in key for s in stems)),
                None,
            )
            unclear.append((_text(title), guess))
    missing = [name for name in REQUIRED if name not in columns]
    if "name" not in columns and not {"first_name", "last_name"} <= set(columns):
        missing.append("name")
    ignored += [title for title, guess in unclear if guess not in missing]
    unclear = [(title, guess) for title, guess in unclear if guess in missing]
    if missing:
        raise ImportFileError(_columns_message(missing, unclear))
    return columns, ignored


def _columns_message(missing, unclear):
    labels = column_labels()
    parts = []
    for title, guess in unclear:
        parts.append(
            _(
                'The column "%(column)s" is not understood. If it holds the '
                "%(field)s, name it as one of: %(examples)s."
            )
            % {"column": title, "field": labels[guess], "examples": EXAMPLES[guess]}
        )
    explained = {guess for _title, guess in unclear}
    for name in missing:
        if name not in explained:
            parts.append(
                _("No column for the %(field)s. Expected headers: %(examples)s.")
                % {"field": labels[name], "examples": EXAMPLES[name]}
            )
    return " ".join(
        [str(_("The first row must name the columns; nothing was imported.")), *parts]
    )


def _row(line, values, columns):
    def get(name):
        index = columns.get(name)
        return _text(values[index]) if index is not None and index < len(values) else ""

    first, last = get("first_name"), get("last_name")
    if "name" in columns and not (first or last):
        first, last = split_name(get("name"))
    return {
        "line": line,
        "employee_id": get("employee_id"),
        "first_name": first,
        "last_name": last,
        "email": get("email").lower(),
        "unit": get("unit"),
        "title": get("title"),
        "manager_id": get("manager_id"),
        "department": get("department"),
    }


def split_name(name):
    """("Anna Maria", "Berg") from "Anna Maria Berg" or "Berg, Anna Maria"."""
    name = " ".join(name.split())
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        return first, last
    first, _space, last = name.rpartition(" ")
    return (first, last) if first else ("", last)


def check(rows, known_managers=None):
    """(good rows with their department, problems): every bad row reported.

    `known_managers` maps employee ids already in the organisation (not in the
    file) to their department name; a row may name them as manager.
    """
    known_managers = known_managers or {}
    problems = {}

    def report(row, message):
        problem = problems.setdefault(
            row["line"], Problem(row["line"], row["employee_id"])
        )
        problem.messages.append(str(message))

    _check_values(rows, report)
    by_id = _check_duplicates(rows, report)
    for row in rows:
        manager = row["manager_id"]
        if manager and manager not in by_id and manager not in known_managers:
            report(
                row,
                _("Unknown manager: no one has employee id %(id)s.") % {"id": manager},
            )
    for cycle in find_cycles(rows, by_id):
        chain = " → ".join([*cycle, cycle[0]])
        for employee_id in cycle:
            report(
                by_id[employee_id],
                _("The management chain goes round in a circle: %(chain)s.")
                % {"chain": chain},
            )
    for employee_id, depth in chain_depths(by_id).items():
        if depth == MAX_CHAIN_DEPTH + 1:
            report(
                by_id[employee_id],
                _(
                    "The management chain above %(id)s is more than %(max)s "
                    "levels deep. Check the column with the own manager's "
                    "employee id."
                )
                % {"id": employee_id, "max": MAX_CHAIN_DEPTH},
            )
    departments = derive_departments(rows, by_id, known_managers)
    good = []
    for row in rows:
        if row["line"] not in problems:
            good.append({**row, "department": departments.get(row["employee_id"], "")})
    ordered = [problems[line] for line in sorted(problems)]
    return good, [problem.as_dict() for problem in ordered]


def _check_values(rows, report):
    labels = {
        "employee_id": _("employee id"),
        "email": _("e-mail"),
        "unit": _("unit"),
    }
    for row in rows:
        for name, label in labels.items():
            if not row[name]:
                report(row, _("The %(field)s is missing.") % {"field": label})
        if not row["last_name"] and not row["first_name"]:
            report(row, _("The name is missing."))
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                report(
                    row,
                    _("%(email)s is not a valid e-mail address.")
                    % {"email": row["email"]},
                )
        if row["employee_id"] and row["manager_id"] == row["employee_id"]:
            report(row, _("A person cannot be their own manager."))


def _check_duplicates(rows, report):
    """Report rows sharing an employee id or e-mail; return the first row of
    each employee id."""
    by_id, by_email = {}, {}
    for row in rows:
        if row["employee_id"]:
            by_id.setdefault(row["employee_id"], []).append(row)
        if row["email"]:
            by_email.setdefault(row["email"], []).append(row)
    for employee_id, same in by_id.items():
        if len(same) > 1:
            lines = ", ".join(str(r["line"]) for r in same)
            for row in same:
                report(
                    row,
                    _("Employee id %(id)s appears more than once (lines %(lines)s).")
                    % {"id": employee_id, "lines": lines},
                )
    for email, same in by_email.items():
        if len(same) > 1:
            lines = ", ".join(str(r["line"]) for r in same)
            for row in same:
                report(
                    row,
                    _("The e-mail %(email)s appears more than once (lines %(lines)s).")
                    % {"email": email, "lines": lines},
                )
    return {employee_id: same[0] for employee_id, same in by_id.items()}


def find_cycles(rows, by_id):
    """Each circle in the management chain once, as employee ids in chain
    order starting from the smallest id. Self-managers are reported elsewhere."""
    state, cycles = {}, []
    for start in by_id:
        path, index = [], {}
        node = start
        while node in by_id and node not in state:
            state[node] = "visiting"
            index[node] = len(path)
            path.append(node)
            manager = by_id[node]["manager_id"]
            if manager == node:
                break
            node = manager
        if node in index and state.get(node) == "visiting" and len(path) > 1:
            cycle = path[index[node] :]
            if len(cycle) > 1:
                turn = cycle.index(min(cycle))
                cycles.append(cycle[turn:] + cycle[:turn])
        for visited in path:
            state[visited] = "done"
    return cycles


def derive_departments(rows, by_id, known_managers):
    """A department for each employee id: the row's own when given, else the
    unit of the person just below the top of their chain (the department head),
    or the top person's own unit. Walks each chain once, without recursion."""
    result = {}
    for start in by_id:
        path, seen, node = [], set(), start
        while True:
            if node in result:
                value = result[node]
                break
            row = by_id[node]
            manager = row["manager_id"]
            if row["department"]:
                value = row["department"]
            elif not manager or manager in seen or manager == node:
                value = row["unit"]
            elif manager not in by_id:
                value = known_managers.get(manager) or row["unit"]
            elif not by_id[manager]["manager_id"]:
                value = row["unit"]  # a department head: their unit is it
            else:
                seen.add(node)
                path.append(node)
                node = manager
                continue
            path.append(node)
            break
        for employee_id in path:
            result.setdefault(employee_id, value)
    return result


def chain_depths(by_id):
    """Employee id -> levels from the top of their chain (the top is 1), or
    None inside or below a circle. Iterative, so any depth is safe."""
    depth = {}
    for start in by_id:
        path, on_path, node = [], set(), start
        while node in by_id and node not in depth and node not in on_path:
            on_path.add(node)
            path.append(node)
            node = by_id[node]["manager_id"]
        if node in on_path:
            base = None
        elif node in depth:
            base = depth[node]
        else:
            base = 0
        for employee_id in reversed(path):
            base = None if base is None else base + 1
            depth[employee_id] = base
    return depth
