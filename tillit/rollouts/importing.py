"""Reading an HR system's export of managers: .xlsx or CSV, then checking it.

Columns (Swedish or English headers, any order, case and punctuation ignored):
employee id, name (or first and last name), e-mail, unit, title, own manager's
employee id, and optionally department (förvaltning). A CSV may use ; or , and
be UTF-8 with or without a byte-order mark.

`parse` turns bytes into rows of text or raises ImportFileError (a problem with
the whole file); `check` finds every bad row. Nothing here touches the database
except through the `known_managers` the caller passes.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ROWS = 20_000

HEADERS = {
    "employee_id": {
        "employeeid",
        "employeenumber",
        "employeeno",
        "id",
        "anställningsnummer",
        "anstnr",
        "anställningsid",
        "anställningsnr",
        "personalnummer",
        "medarbetarid",
    },
    "name": {"name", "fullname", "namn", "fullständigtnamn"},
    "first_name": {"firstname", "givenname", "förnamn", "tilltalsnamn"},
    "last_name": {"lastname", "surname", "familyname", "efternamn"},
    "email": {"email", "emailaddress", "mail", "epost", "epostadress", "mejl"},
    "unit": {"unit", "organisationalunit", "enhet", "organisationsenhet", "avdelning"},
    "title": {"title", "jobtitle", "titel", "befattning", "yrkestitel"},
    "manager_id": {
        "managerid",
        "manageremployeeid",
        "managersemployeeid",
        "ownmanagersemployeeid",
        "ownmanagerid",
        "manager",
        "chef",
        "chefsid",
        "chefid",
        "chefensid",
        "chefensanställningsnummer",
        "chefsanställningsnummer",
        "närmastechef",
        "närmastechefsanställningsnummer",
    },
    "department": {"department", "förvaltning", "division"},
}
REQUIRED = ("employee_id", "email", "unit")


class ImportFileError(Exception):
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


def parse(filename, content):
    """Rows as dicts of FIELDS plus `line` (the line number in the file)."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(content)
    else:
        table = _csv_rows(content)
    table = [(line, row) for line, row in table if any(_text(v) for v in row)]
    if not table:
        raise ImportFileError(_("The file is empty."))
    (_line, header), body = table[0], table[1:]
    columns = _columns(header)
    if not body:
        raise ImportFileError(_("The file has a header row but no managers."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
        )
    return [_row(line, row, columns) for line, row in body]


def _xlsx_rows(content):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    sheet = workbook.worksheets[0]
    rows = [
        (number, list(row))
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    workbook.close()
    return rows


def _csv_rows(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text. Save it from Excel as "
                '"CSV UTF-8" or as an .xlsx workbook.'
            )
        ) from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error


def _columns(header):
    columns = {}
    for index, title in enumerate(header):
        key = _key(title)
        for name, words in HEADERS.items():
            if key in words and name not in columns:
                columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if "name" not in columns and not {"first_name", "last_name"} <= set(columns):
        missing.append("name")
    if missing:
        labels = {
            "employee_id": _("employee id"),
            "email": _("e-mail"),
            "unit": _("unit"),
            "name": _("name"),
        }
        raise ImportFileError(
            _("Columns are missing: %(columns)s. The first row must name them.")
            % {"columns": ", ".join(str(labels[name]) for name in missing)}
        )
    return columns


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
    or the top person's own unit."""
    result = {}

    def department(employee_id, seen):
        if employee_id in result:
            return result[employee_id]
        row = by_id.get(employee_id)
        if row is None:
            return known_managers.get(employee_id, "")
        if row["department"]:
            return row["department"]
        manager = row["manager_id"]
        if not manager or manager in seen:
            return row["unit"]
        if manager in by_id and not by_id[manager]["manager_id"]:
            return row["unit"]  # a department head: their unit is the department
        if manager not in by_id:
            return known_managers.get(manager) or row["unit"]
        return department(manager, seen | {employee_id})

    for employee_id in by_id:
        result[employee_id] = department(employee_id, frozenset())
    return result
