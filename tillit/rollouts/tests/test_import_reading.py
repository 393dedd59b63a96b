"""Reading HR exports defensively and in the headers real systems use (issues
15 and 16): zip bombs and endless files refused early, Windows-1252 CSV, deep
management chains, Swedish, Finnish and English headers."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from tillit.rollouts import importing, services

from .factories import municipality

KARIN = ["1", "Karin Chef", "karin@example.org", "Kommunledning", "Direktör", ""]


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_padded_sheet(content, padding):
    """The workbook with `padding` bytes of blanks inside its sheet: a zip
    bomb that openpyxl would unpack and parse in full."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding)
            bomb.writestr(item.filename, data)
    return out.getvalue()


HEADER = ["Anställningsnummer", "Namn", "E-post", "Enhet", "Titel", "Chef"]


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    bomb = with_padded_sheet(workbook_bytes([HEADER, KARIN]), 30 * 1024 * 1024)
    assert len(bomb) < 200_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    started = time.perf_counter()

    with pytest.raises(importing.ImportFileError, match="unpacks to far more"):
        importing.parse("bomb.xlsx", bomb)

    assert time.perf_counter() - started < 2


def test_a_workbook_unpacking_past_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED", 2_000)

    with pytest.raises(importing.ImportFileError, match="unpacks to far more"):
        importing.parse("big.xlsx", workbook_bytes([HEADER, KARIN]))


def test_an_ordinary_workbook_passes_the_zip_check():
    rows = importing.parse("ok.xlsx", workbook_bytes([HEADER, KARIN]))

    assert rows[0]["employee_id"] == "1"


def test_a_file_that_is_not_a_zip_but_named_xlsx_gets_a_clear_message():
    with pytest.raises(importing.ImportFileError, match="Excel workbook"):
        importing.parse("fake.xlsx", b"PK\x03\x04 not really a zip")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_reading_stops_at_the_row_limit(monkeypatch, kind):
    monkeypatch.setattr(importing, "MAX_ROWS", 10)
    rows = [
        [str(n), f"Chef {n}", f"c{n}@example.org", "Enhet", "Chef", ""]
        for n in range(1, 40)
    ]
    if kind == "csv":
        content = "\n".join(";".join(r) for r in [HEADER, *rows]).encode()
    else:
        content = workbook_bytes([HEADER, *rows])

    with pytest.raises(importing.ImportFileError, match="more than 10 rows"):
        importing.parse(f"many.{kind}", content)


def test_endless_blank_lines_are_not_read_to_the_end(monkeypatch):
    monkeypatch.setattr(importing, "MAX_BLANK_ROWS", 5)
    content = ";".join(HEADER) + "\n" + ";".join(KARIN) + "\n" + ";;;\n" * 50
    content += "2;Late Row;late@example.org;Enhet;Chef;1\n"

    rows = importing.parse("blank.csv", content.encode())

    assert [row["employee_id"] for row in rows] == ["1"]


def test_a_windows_1252_csv_from_older_excel_is_read():
    content = (
        "Anställningsnummer;Namn;E-post;Enhet;Titel;Närmaste chef (anst.nr)\n"
        "1;Åsa Öberg;asa@example.org;Förvaltningen för äldreomsorg;Chef;\n"
    ).encode("cp1252")

    (row,) = importing.parse("export.csv", content)

    assert (row["first_name"], row["last_name"]) == ("Åsa", "Öberg")
    assert row["unit"] == "Förvaltningen för äldreomsorg"


@pytest.mark.django_db
def test_a_1500_level_management_chain_gets_a_clear_row_error_quickly():
    org, hr, _programme = municipality()
    lines = [";".join(HEADER), "1;Top Chef;p1@example.org;Enhet 1;Chef;"]
    lines += [
        f"{n};Chef Nummer{n};p{n}@example.org;Enhet {n};Chef;{n - 1}"
        for n in range(2, 1501)
    ]
    started = time.perf_counter()

    batch = services.preview_import(
        org, actor=hr, filename="deep.csv", content="\n".join(lines).encode()
    )

    assert time.perf_counter() - started < 20
    (problem,) = batch.problems
    assert problem["employee_id"] == str(importing.MAX_CHAIN_DEPTH + 1)
    assert "more than 100 levels deep" in problem["messages"][0]


def test_chain_depths_and_departments_need_no_recursion():
    by_id = {
        str(n): {
            "employee_id": str(n),
            "manager_id": str(n - 1) if n > 1 else "",
            "department": "",
            "unit": f"U{n}",
        }
        for n in range(1, 5001)
    }

    depths = importing.chain_depths(by_id)
    departments = importing.derive_departments([], by_id, {})

    assert depths["5000"] == 5000
    assert departments["5000"] == "U2"


@pytest.mark.parametrize(
    "header",
    [
        "Närmaste chef (anst.nr)",
        "Chefens anst.nr",
        "Esihenkilön henkilönumero",
        "Lähiesihenkilön henkilönumero",
        "Manager employee id",
        "Line manager ID",
        "Reports to",
    ],
)
def test_common_headers_for_the_own_manager_are_recognised(header):
    content = f"Anst.nr;Namn;E-post;Enhet;{header}\n2;Bo Berg;b@example.org;E;1\n"

    (row,) = importing.parse("x.csv", content.encode())

    assert row["manager_id"] == "1"


def test_a_finnish_export_is_read():
    content = (
        "Henkilönumero;Etunimi;Sukunimi;Sähköposti;Yksikkö;Tehtävänimike;"
        "Esihenkilön henkilönumero;Toimiala\n"
        "7;Aino;Virtanen;aino@example.org;Kotihoito;Esihenkilö;3;Sote\n"
    ).encode()

    (row,) = importing.parse("vienti.csv", content)

    assert row == {
        "line": 2,
        "employee_id": "7",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "email": "aino@example.org",
        "unit": "Kotihoito",
        "title": "Esihenkilö",
        "manager_id": "3",
        "department": "Sote",
    }


def test_a_manager_column_that_is_not_understood_is_named_with_the_headers_expected():
    content = "Anst.nr;Namn;E-post;Enhet;Chef nr (HR-system)\n2;Bo;b@example.org;E;1\n"

    with pytest.raises(importing.ImportFileError) as error:
        importing.parse("x.csv", content.encode())

    message = str(error.value)
    assert '"Chef nr (HR-system)" is not understood' in message
    assert "Närmaste chef (anst.nr)" in message
    assert "Esihenkilön henkilönumero" in message


def test_a_file_without_a_manager_column_is_refused_not_read_as_all_top_managers():
    content = "Anst.nr;Namn;E-post;Enhet\n2;Bo;b@example.org;E\n"

    with pytest.raises(importing.ImportFileError, match="own manager's employee id"):
        importing.parse("x.csv", content.encode())


@pytest.mark.django_db
def test_unrelated_columns_are_listed_as_ignored_in_the_preview():
    org, hr, _programme = municipality()
    content = (
        b"Anst.nr;Namn;E-post;Enhet;Chef;Telefon;Chefens namn\n"
        b"1;Karin Chef;karin@example.org;Ledning;;013-000;\n"
    )

    batch = services.preview_import(org, actor=hr, filename="x.csv", content=content)

    assert batch.preview["ignored_columns"] == ["Telefon", "Chefens namn"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)

    with pytest.raises(importing.ImportFileError, match="larger than 5 MB"):
        importing.parse("big.csv", b"x" * 101)
