import io

import pytest
from openpyxl import Workbook

from tillit.core.models import Person
from tillit.core.tests.factories import PersonFactory
from tillit.rollouts import importing, services
from tillit.rollouts.models import Employment, ImportBatch

from .factories import csv_bytes, hierarchy_rows, imported, municipality

pytestmark = pytest.mark.django_db

GOOD = [
    ["1", "Karin Chef", "karin@example.org", "Kommunledning", "Kommundirektör", ""],
    [
        "2",
        "Dora Berg",
        "dora@example.org",
        "Socialförvaltningen",
        "Förvaltningschef",
        "1",
    ],
    ["3", "Ulla Ek", "ulla@example.org", "Hemtjänst Norr", "Enhetschef", "2"],
]


def preview(org, hr, rows, **kwargs):
    return services.preview_import(
        org, actor=hr, filename="chefer.csv", content=csv_bytes(rows, **kwargs)
    )


def messages(batch):
    return {p["employee_id"]: " ".join(p["messages"]) for p in batch.problems}


def test_valid_file_is_checked_but_nothing_is_written_before_confirm():
    org, hr, _programme = municipality()
    people_before = Person.objects.count()

    batch = preview(org, hr, GOOD)

    assert batch.problems == []
    assert batch.preview["created"] == 3
    assert Person.objects.count() == people_before
    assert not Employment.objects.exists()


def test_confirm_creates_people_units_and_the_management_chain():
    org, hr, _programme = municipality()
    batch = preview(org, hr, GOOD)

    result = services.confirm_import(batch, actor=hr)

    assert result["created"] == 3
    ulla = Employment.objects.get(organisation=org, employee_id="3")
    assert ulla.manager.employee_id == "2"
    assert ulla.person.manager.email == "dora@example.org"
    assert ulla.department.name == "Socialförvaltningen"
    assert ulla.unit.name == "Hemtjänst Norr"
    assert ulla.unit.parent == ulla.department
    assert not ulla.person.has_usable_password()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["4", "Bo Ny", "bo@example.org", "Hemtjänst Syd", "Chef", "99"],
            "Unknown manager",
        ),
        (
            ["3", "Bo Ny", "bo@example.org", "Hemtjänst Syd", "Chef", "2"],
            "appears more than once",
        ),
        (
            ["4", "Bo Ny", "ULLA@example.org", "Hemtjänst Syd", "Chef", "2"],
            "appears more than once",
        ),
        (
            ["4", "Bo Ny", "bo@example", "Hemtjänst Syd", "Chef", "2"],
            "not a valid e-mail",
        ),
        (["4", "Bo Ny", "", "Hemtjänst Syd", "Chef", "2"], "e-mail is missing"),
        (["4", "", "bo@example.org", "Hemtjänst Syd", "Chef", "2"], "name is missing"),
        (["4", "Bo Ny", "bo@example.org", "", "Chef", "2"], "unit is missing"),
        (["4", "Bo Ny", "bo@example.org", "Hemtjänst Syd", "Chef", "4"], "own manager"),
    ],
    ids=[
        "unknown-manager",
        "duplicate-id",
        "duplicate-email",
        "bad-email",
        "missing-email",
        "missing-name",
        "missing-unit",
        "self-manager",
    ],
)
def test_each_kind_of_bad_row_is_reported(row, expected):
    org, hr, _programme = municipality()

    batch = preview(org, hr, [*GOOD, row])

    assert expected in messages(batch)[row[0]]


def test_a_cycle_in_the_management_chain_names_the_ids_in_it():
    org, hr, _programme = municipality()
    rows = [
        *GOOD,
        ["A", "Anna A", "a@example.org", "Enhet", "Chef", "B"],
        ["B", "Bert B", "b@example.org", "Enhet", "Chef", "C"],
        ["C", "Cia C", "c@example.org", "Enhet", "Chef", "A"],
    ]

    batch = preview(org, hr, rows)

    found = messages(batch)
    assert set(found) == {"A", "B", "C"}
    assert "A → B → C → A" in found["A"]


def test_an_import_with_problems_cannot_be_confirmed():
    org, hr, _programme = municipality()
    batch = preview(org, hr, [*GOOD, ["4", "Bo", "bad", "X", "Chef", "1"]])

    with pytest.raises(services.RolloutError):
        services.confirm_import(batch, actor=hr)

    assert not Employment.objects.exists()


def test_an_e_mail_of_someone_in_another_organisation_is_a_problem():
    org, hr, _programme = municipality()
    PersonFactory(email="ulla@example.org")

    batch = preview(org, hr, GOOD)

    assert "cannot be used in this import" in messages(batch)["3"]


def test_reimport_updates_people_by_employee_id_and_reports_the_missing():
    org, hr, _programme = municipality()
    imported(org, hr, GOOD)
    changed = [
        GOOD[0],
        [
            "2",
            "Dora Berg-Ström",
            "dora.berg@example.org",
            "Socialförvaltningen",
            "Förvaltningschef",
            "1",
        ],
    ]

    batch = preview(org, hr, changed)
    result = services.confirm_import(batch, actor=hr)

    assert result == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "invited": 0,
        "missing": 1,
        "marked_left": 0,
    }
    assert batch.preview["missing"][0]["employee_id"] == "3"
    dora = Employment.objects.get(organisation=org, employee_id="2").person
    assert (dora.last_name, dora.email) == ("Berg-Ström", "dora.berg@example.org")
    assert Employment.objects.filter(organisation=org).count() == 3
    assert Employment.objects.get(employee_id="3").left_on is None


def test_reimport_may_mark_the_missing_as_left():
    org, hr, _programme = municipality()
    imported(org, hr, GOOD)
    batch = preview(org, hr, GOOD[:2])

    services.confirm_import(batch, actor=hr, mark_missing_left=True)

    assert Employment.objects.get(employee_id="3").left_on is not None


def test_a_batch_is_confirmed_only_once():
    org, hr, _programme = municipality()
    batch = imported(org, hr, GOOD)

    with pytest.raises(services.RolloutError):
        services.confirm_import(batch, actor=hr)


def test_comma_separated_csv_without_bom_and_english_headers_is_read():
    header = "Employee ID,Name,E-mail,Unit,Title,Manager ID\n"
    content = (
        header + "1,Karin Chef,karin@example.org,Kommunledning,Kommundirektör,\n"
    ).encode()

    rows = importing.parse("export.csv", content)

    assert rows[0]["employee_id"] == "1"
    assert (rows[0]["first_name"], rows[0]["last_name"]) == ("Karin", "Chef")


def test_xlsx_export_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Anställningsnummer",
            "Förnamn",
            "Efternamn",
            "E-post",
            "Enhet",
            "Titel",
            "Chef",
        ]
    )
    sheet.append(
        [
            101,
            "Karin",
            "Chef",
            "karin@example.org",
            "Kommunledning",
            "Kommundirektör",
            None,
        ]
    )
    sheet.append([102, "Dora", "Berg", "dora@example.org", "Social", "Chef", 101])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = importing.parse("export.xlsx", buffer.getvalue())

    assert [r["employee_id"] for r in rows] == ["101", "102"]
    assert rows[1]["manager_id"] == "101"


def test_a_file_without_the_needed_columns_is_refused():
    with pytest.raises(importing.ImportFileError, match="No column for the e-mail"):
        importing.parse("x.csv", b"Namn;Titel\nKarin;Chef\n")


def test_departments_are_derived_from_the_chain_when_not_given():
    org, hr, _programme = municipality()

    imported(org, hr, hierarchy_rows(departments=2, sections=1, units=1))

    unit_manager = Employment.objects.get(employee_id="D2S1U1")
    assert unit_manager.department.name == "Förvaltning 2"
    assert unit_manager.unit.name == "Avdelning 2.1"


def test_stale_batch_cannot_be_confirmed():
    org, hr, _programme = municipality()
    old = preview(org, hr, GOOD)
    imported(org, hr, GOOD)

    assert services.batch_is_stale(ImportBatch.objects.get(pk=old.pk))


def test_a_reimport_that_moves_someone_to_another_manager_and_unit_counts_as_update():
    org, hr, _programme = municipality()
    imported(org, hr, GOOD)
    moved = [
        *GOOD[:2],
        ["3", "Ulla Ek", "ulla@example.org", "Hemtjänst Syd", "Enhetschef", "1"],
    ]

    batch = preview(org, hr, moved)
    result = services.confirm_import(batch, actor=hr)

    assert (result["updated"], result["unchanged"]) == (1, 2)
    ulla = Employment.objects.get(organisation=org, employee_id="3")
    assert ulla.person.manager.email == "karin@example.org"
    assert ulla.manager.employee_id == "1"
    assert ulla.person.unit.name == ulla.unit.name == "Hemtjänst Syd"


def test_an_unchanged_reimport_reports_every_row_unchanged():
    org, hr, _programme = municipality()
    imported(org, hr, GOOD)

    batch = preview(org, hr, GOOD)

    assert (batch.preview["updated"], batch.preview["unchanged"]) == (0, 3)
