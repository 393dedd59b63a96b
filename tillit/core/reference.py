"""Versioned reference data: Sweden's regions and municipalities with SCB codes.

The CSV in `tillit/core/data/` names its source and year (see the README there).
`load_reference_data()` turns each row into an Organisation keyed on
(country, kind, code): loading twice creates nothing new and changes nothing.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Organisation, Sector

DATA_DIR = Path(__file__).resolve().parent / "data"
SWEDISH_AREAS = DATA_DIR / "se_municipalities_regions_2025.csv"

MUNICIPALITY_COUNT = 290
REGION_COUNT = 21

KINDS = {
    "municipality": (Organisation.Kind.MUNICIPALITY, Sector.MUNICIPAL),
    "region": (Organisation.Kind.REGION, Sector.REGIONAL),
}


@dataclass(frozen=True)
class Area:
    """One row of the reference CSV."""

    code: str
    name: str
    kind: str
    county_code: str
    organisation_name: str
    valid_from: int


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_areas(path=SWEDISH_AREAS):
    """The rows of a reference CSV, checked; raises ValueError when the file
    breaks a rule of SCB's list (counts, code shape, unique codes, a
    municipality in an unknown region)."""
    with open(path, encoding="utf-8", newline="") as file:
        lines = (line for line in file if not line.startswith("#"))
        areas = [
            Area(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                county_code=row["county_code"],
                organisation_name=row["organisation_name"],
                valid_from=int(row["valid_from"]),
            )
            for row in csv.DictReader(lines)
        ]
    check_areas(areas)
    return areas


def check_areas(areas):
    regions = [a for a in areas if a.kind == "region"]
    municipalities = [a for a in areas if a.kind == "municipality"]
    problems = []
    if len(regions) != REGION_COUNT:
        problems.append(f"expected {REGION_COUNT} regions, found {len(regions)}")
    if len(municipalities) != MUNICIPALITY_COUNT:
        problems.append(
            f"expected {MUNICIPALITY_COUNT} municipalities, found {len(municipalities)}"
        )
    if len(regions) + len(municipalities) != len(areas):
        problems.append("every row must be a region or a municipality")
    region_codes = {a.code for a in regions}
    for area, width in [(a, 2) for a in regions] + [(a, 4) for a in municipalities]:
        if len(area.code) != width or not area.code.isdigit():
            problems.append(f"{area.name}: code {area.code!r} is not {width} digits")
        if area.code[:2] != area.county_code or area.county_code not in region_codes:
            problems.append(f"{area.name}: code {area.code} is not in a known region")
    for kind_areas in (regions, municipalities):
        codes = [a.code for a in kind_areas]
        if len(codes) != len(set(codes)):
            problems.append("codes are not unique")
    if problems:
        raise ValueError("; ".join(problems))


@transaction.atomic
def load_reference_data(path=SWEDISH_AREAS) -> LoadResult:
    """Create or update one Swedish Organisation per region and municipality.

    Keyed on (country, kind, code), like update_or_create, but in three queries:
    one read, one bulk insert of what is missing, one bulk update of what
    changed (names, sector). Rows already right are not written.
    """
    areas = read_areas(path)
    existing = {
        (org.kind, org.code): org
        for org in Organisation.objects.filter(
            country=Organisation.Country.SWEDEN,
            kind__in=[kind for kind, _sector in KINDS.values()],
        ).exclude(code="")
    }
    to_create, to_update = [], []
    for area in areas:
        kind, sector = KINDS[area.kind]
        org = existing.get((kind, area.code))
        if org is None:
            to_create.append(
                Organisation(
                    country=Organisation.Country.SWEDEN,
                    kind=kind,
                    code=area.code,
                    name=area.organisation_name,
                    name_sv=area.organisation_name,
                    sector=sector,
                )
            )
        elif (org.name_sv, org.sector) != (area.organisation_name, sector):
            # The official names are Swedish: written in the Swedish column
            # (and the untranslated one), whatever language the loader runs in.
            org.name = org.name_sv = area.organisation_name
            org.sector = sector
            to_update.append(org)
    Organisation.objects.bulk_create(to_create)
    Organisation.objects.bulk_update(to_update, ["name", "name_sv", "sector"])
    return LoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(areas) - len(to_create) - len(to_update),
    )


def swedish_municipality(code):
    """The Organisation of a Swedish municipality by its SCB code."""
    return Organisation.objects.get(
        country=Organisation.Country.SWEDEN,
        kind=Organisation.Kind.MUNICIPALITY,
        code=code,
    )
