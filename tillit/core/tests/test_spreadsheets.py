import csv
import datetime as dt
import io

import openpyxl
import pytest
from openpyxl import Workbook

from tillit.core import spreadsheets


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+46701234567", "'+46701234567"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Anna", "Anna"),
        ("a=b", "a=b"),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise_prefixes_text_that_could_be_a_formula(value, expected):
    assert spreadsheets.neutralise(value) == expected


def test_csv_lines_are_for_nordic_excel_with_formulas_neutralised():
    header = ["Namn", "Tom", "När", "Text", "Tal"]
    rows = [["=1+1", None, dt.datetime(2027, 3, 1, 9, 30), "a;b", 2]]

    content = b"".join(spreadsheets.csv_lines(header, rows))

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.endswith(b"\r\n")
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert read == [
        header,
        ["'=1+1", "", "2027-03-01 09:30", "a;b", "2"],
    ]


def test_a_sheet_title_is_one_excel_accepts():
    title = spreadsheets.sheet_title("Vår/höst [2027]: grupp?")

    assert title == "Vår höst  2027   grupp"
    assert len(spreadsheets.sheet_title("x" * 40)) == 31
    assert spreadsheets.sheet_title("//") == "Export"


def test_appended_rows_keep_text_as_text_and_neutralise_it():
    workbook = Workbook()
    sheet = workbook.active

    spreadsheets.append(sheet, ["Avdelning", "Antal"], bold=True)
    spreadsheets.append(sheet, ["=HYPERLINK(1)", 3])
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_bytes(workbook))).active

    assert sheet["A1"].font.bold and sheet["B1"].font.bold
    assert sheet["A2"].value == "'=HYPERLINK(1)"
    assert sheet["A2"].data_type == "s" and sheet["B2"].value == 3
    assert not sheet["A2"].font.bold


def test_a_written_table_has_a_frozen_filtered_header_and_real_dates():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lista")
    rows = [["-Bergström", dt.datetime(2027, 3, 1, 9, 30)]]

    spreadsheets.write_table(sheet, [("Namn", 20), ("När", 17)], rows)
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_bytes(workbook))).active

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B2"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "'-Bergström"
    assert sheet["B2"].value == dt.datetime(2027, 3, 1, 9, 30)
    assert sheet["B2"].number_format == spreadsheets.DATETIME_FORMAT
    assert sheet.column_dimensions["A"].width == 20
