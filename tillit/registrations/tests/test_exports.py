import csv
import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from tillit.core import spreadsheets
from tillit.core.models import Unit
from tillit.core.tests.factories import OrganisationFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import exports
from tillit.registrations.models import Registration
from tillit.registrations.tests.factories import RegistrationFactory

Status = Registration.Status
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
HEADER = [
    "Status",
    "Position on waitlist",
    "First name",
    "Last name",
    "E-mail",
    "Organisation",
    "Organisation code",
    "Unit",
    "Title",
    "Role",
    "Registered at",
    "Confirmed at",
]


@pytest.fixture(autouse=True)
def _english():
    """Header and status words in English, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def cohort(db):
    return CohortFactory(name="Våren 2027", capacity=1)


@pytest.fixture
def confirmed(cohort):
    organisation = OrganisationFactory(name="Exempelkommun", code="0180")
    return RegistrationFactory(
        cohort=cohort,
        person__first_name="Astrid",
        person__last_name="Exempelsson",
        person__email="astrid@example.org",
        person__organisation=organisation,
        person__unit=Unit.objects.create(
            organisation=organisation, name="Socialtjänst"
        ),
        person__title="Enhetschef",
        confirmed_at=dt.datetime(2027, 2, 1, 9, 30, tzinfo=LOCAL),
    )


@pytest.fixture
def waiting(cohort):
    return RegistrationFactory(
        cohort=cohort,
        status=Status.WAITLISTED,
        person__first_name='=HYPERLINK("https://example.org")',
        person__last_name="-Bergström",
        person__title="+46 Chef",
    )


def read_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_csv_is_utf8_with_bom_semicolons_and_crlf(confirmed, cohort):
    content = exports.to_csv(cohort)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.split(b"\r\n")[0].decode("utf-8-sig") == ";".join(HEADER)
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")


def test_csv_rows_hold_the_registrations(confirmed, waiting, cohort):
    rows = read_csv(exports.to_csv(cohort))

    assert rows[1] == [
        "Confirmed",
        "",
        "Astrid",
        "Exempelsson",
        "astrid@example.org",
        "Exempelkommun",
        "0180",
        "Socialtjänst",
        "Enhetschef",
        "Unit manager",
        confirmed.created_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"),
        "2027-02-01 09:30",
    ]
    assert rows[2][:2] == ["On the waitlist", "1"]


def test_csv_neutralises_formula_cells(waiting, cohort):
    rows = read_csv(exports.to_csv(cohort))

    assert rows[1][2] == '\'=HYPERLINK("https://example.org")'
    assert rows[1][3] == "'-Bergström"
    assert rows[1][8] == "'+46 Chef"


def test_xlsx_is_readable_with_a_bold_frozen_header(confirmed, cohort):
    sheet = read_xlsx(exports.to_xlsx(cohort))

    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width == 30
    assert sheet.title == "Våren 2027"


def test_xlsx_rows_hold_the_registrations_with_real_dates(confirmed, waiting, cohort):
    sheet = read_xlsx(exports.to_xlsx(cohort))

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    assert rows[0][:7] == (
        "Confirmed",
        None,
        "Astrid",
        "Exempelsson",
        "astrid@example.org",
        "Exempelkommun",
        "0180",
    )
    assert rows[0][11] == dt.datetime(2027, 2, 1, 9, 30)
    assert sheet["L2"].number_format == spreadsheets.DATETIME_FORMAT
    assert rows[1][:2] == ("On the waitlist", 1)


def test_xlsx_neutralises_formula_cells(waiting, cohort):
    sheet = read_xlsx(exports.to_xlsx(cohort))

    assert sheet["C2"].value == '\'=HYPERLINK("https://example.org")'
    assert sheet["C2"].data_type == "s"
    assert sheet["D2"].value == "'-Bergström"
    assert sheet["I2"].value == "'+46 Chef"


def test_exports_leave_out_cancelled_registrations(confirmed, cohort):
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED)

    rows = exports.rows(cohort)

    assert len(rows) == 1


def test_waitlist_positions_follow_arrival_order(cohort, confirmed):
    first = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    second = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    rows = exports.rows(cohort)

    assert [(row[1], row[4]) for row in rows[1:]] == [
        (1, first.person.email),
        (2, second.person.email),
    ]


def test_export_queries_do_not_grow_with_registrations(
    cohort, confirmed, django_assert_num_queries
):
    RegistrationFactory.create_batch(5, cohort=cohort, status=Status.WAITLISTED)

    with django_assert_num_queries(1):
        exports.to_csv(cohort)


def test_filename_holds_programme_slug_and_cohort_name(cohort):
    filename = exports.export_filename(cohort, "xlsx")

    assert filename == f"{cohort.programme.slug}-varen-2027.xlsx"


def test_xlsx_sheet_title_drops_characters_excel_forbids(db):
    cohort = CohortFactory(name="Vår/höst [2027]: del 1?")

    sheet = read_xlsx(exports.to_xlsx(cohort))

    assert sheet.title == "Vår höst  2027   del 1"
