"""Factories and small builders for rollout tests: a municipality with an HR
director, its own programme, and managers in a hierarchy."""

import datetime as dt

import factory
from django.utils import timezone

from tillit.core.models import Unit
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.programmes.tests.factories import ProgrammeFactory
from tillit.rollouts import services
from tillit.rollouts.models import Employment

HEADER = "Anställningsnummer;Namn;E-post;Enhet;Titel;Chefens anställningsnummer\n"


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..organisation")
    )
    employee_id = factory.Sequence(lambda n: f"E{n:04d}")


def municipality(name="Exempelkommun"):
    """(organisation, HR director, the organisation's own programme)."""
    org = OrganisationFactory(name=name)
    hr = PersonFactory(organisation=org, title="HR-direktör")
    org.employer_contacts.add(hr)
    programme = ProgrammeFactory(organiser=org, title=f"Chefsprogrammet i {name}")
    return org, hr, programme


def csv_bytes(rows, header=HEADER, bom=True):
    text = header + "".join(";".join(row) + "\n" for row in rows)
    return text.encode("utf-8-sig" if bom else "utf-8")


def hierarchy_rows(departments=3, sections=2, units=3, domain="example.org"):
    """CSV rows: a chief executive, department heads, section heads and unit
    managers, each department its own units."""
    rows = [["K1", "Karin Chef", f"k1@{domain}", "Kommunledning", "Kommundirektör", ""]]
    for d in range(1, departments + 1):
        head = f"D{d}"
        rows.append(
            [
                head,
                f"Dora Head{d}",
                f"d{d}@{domain}",
                f"Förvaltning {d}",
                "Förvaltningschef",
                "K1",
            ]
        )
        for s in range(1, sections + 1):
            section = f"D{d}S{s}"
            rows.append(
                [
                    section,
                    f"Sam Sektion{d}{s}",
                    f"{section.lower()}@{domain}",
                    f"Avdelning {d}.{s}",
                    "Avdelningschef",
                    head,
                ]
            )
            for u in range(1, units + 1):
                unit = f"{section}U{u}"
                rows.append(
                    [
                        unit,
                        f"Ulla Enhet{d}{s}{u}",
                        f"{unit.lower()}@{domain}",
                        f"Avdelning {d}.{s}",
                        "Enhetschef",
                        section,
                    ]
                )
    return rows


def imported(org, hr, rows):
    batch = services.preview_import(
        org, actor=hr, filename="chefer.csv", content=csv_bytes(rows)
    )
    assert not batch.problems, batch.problems
    services.confirm_import(batch, actor=hr)
    return batch


def plan_for(org, hr, programme, *, cohorts=4, size=10, share="0.5", start_in=30):
    start = timezone.localdate() + dt.timedelta(days=start_in)
    return services.create_plan(
        org,
        actor=hr,
        programme=programme,
        name="Alla chefer",
        starts_on=start,
        ends_on=start + dt.timedelta(days=365),
        cohort_size=size,
        cohort_count=cohorts,
        days_per_cohort=3,
        weeks_between_days=2,
        max_unit_share=__import__("decimal").Decimal(share),
        location="Stadshuset",
    )


def units_of(org):
    return Unit.objects.filter(organisation=org)
