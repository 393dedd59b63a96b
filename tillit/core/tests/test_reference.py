from pathlib import Path

import pytest
from django.core.management import call_command

from tillit.core.models import Organisation, Sector
from tillit.core.reference import SWEDISH_AREAS, load_reference_data, read_areas


def _codes(kind):
    return {area.code: area for area in read_areas() if area.kind == kind}


def test_reference_data_has_290_municipalities_and_21_regions():
    municipalities, regions = _codes("municipality"), _codes("region")

    assert len(municipalities) == 290
    assert len(regions) == 21


def test_every_municipality_code_starts_with_an_existing_region_code():
    regions = _codes("region")

    for code, area in _codes("municipality").items():
        assert len(code) == 4 and code.isdigit()
        assert code[:2] == area.county_code
        assert area.county_code in regions


def test_codes_are_unique_within_their_kind():
    areas = read_areas()

    for kind in ("municipality", "region"):
        codes = [area.code for area in areas if area.kind == kind]
        assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("0180", "Stockholm"),
        ("1480", "Göteborg"),
        ("1280", "Malmö"),
        ("0580", "Linköping"),
        ("0484", "Eskilstuna"),
        ("2584", "Kiruna"),
        ("0380", "Uppsala"),
        ("0114", "Upplands Väsby"),
        ("0980", "Gotland"),
        ("1880", "Örebro"),
    ],
)
def test_known_municipality_codes(code, name):
    assert _codes("municipality")[code].name == name


@pytest.mark.parametrize(
    ("code", "name", "organisation"),
    [
        ("01", "Stockholms län", "Region Stockholm"),
        ("05", "Östergötlands län", "Region Östergötland"),
        ("14", "Västra Götalands län", "Västra Götalandsregionen"),
        ("25", "Norrbottens län", "Region Norrbotten"),
    ],
)
def test_known_region_codes(code, name, organisation):
    region = _codes("region")[code]

    assert (region.name, region.organisation_name) == (name, organisation)


def test_reference_file_names_its_source_and_year():
    header = SWEDISH_AREAS.read_text(encoding="utf-8").splitlines()[:3]

    assert any("SCB" in line and "2025" in line for line in header)
    assert {area.valid_from for area in read_areas()} == {2025}


def _copy_without(tmp_path, predicate):
    lines = SWEDISH_AREAS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = Path(tmp_path) / "areas.csv"
    path.write_text("".join(line for line in lines if not predicate(line)), "utf-8")
    return path


def test_a_missing_municipality_is_rejected(tmp_path):
    path = _copy_without(tmp_path, lambda line: line.startswith("2584,"))

    with pytest.raises(ValueError, match="expected 290 municipalities"):
        read_areas(path)


def test_a_municipality_in_an_unknown_region_is_rejected(tmp_path):
    text = SWEDISH_AREAS.read_text(encoding="utf-8")
    path = Path(tmp_path) / "areas.csv"
    path.write_text(
        text.replace("2584,Kiruna,municipality,25", "2684,Kiruna,municipality,25"),
        "utf-8",
    )

    with pytest.raises(ValueError, match="not in a known region"):
        read_areas(path)


def test_loading_creates_an_organisation_per_row(db):
    result = load_reference_data()

    assert result.created == 311
    swedish = Organisation.objects.filter(country="SE")
    assert swedish.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 290
    assert swedish.filter(kind=Organisation.Kind.REGION).count() == 21
    eskilstuna = swedish.get(kind=Organisation.Kind.MUNICIPALITY, code="0484")
    assert (eskilstuna.name, eskilstuna.sector) == (
        "Eskilstuna kommun",
        Sector.MUNICIPAL,
    )
    region = swedish.get(kind=Organisation.Kind.REGION, code="05")
    assert (region.name, region.sector) == ("Region Östergötland", Sector.REGIONAL)


def test_loading_twice_creates_and_changes_nothing(db):
    load_reference_data()

    again = load_reference_data()

    assert (again.created, again.updated, again.unchanged) == (0, 0, 311)
    assert Organisation.objects.count() == 311


def test_loading_restores_a_changed_name_without_duplicating(db):
    load_reference_data()
    Organisation.objects.filter(code="0580").update(name_sv="Linkoping")

    result = load_reference_data()

    assert result.updated == 1
    assert Organisation.objects.get(code="0580").name == "Linköpings kommun"
    assert Organisation.objects.count() == 311


def test_loadreference_command_reports_what_it_did(db, capsys):
    call_command("loadreference")

    assert "311 created" in capsys.readouterr().out
