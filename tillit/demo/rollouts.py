"""Demo of a whole-organisation rollout (seed 004): Linköpings kommun sends all
its managers through its five-day programme within two years.

About 700 fictional managers (example.org) in 8 departments, in a hierarchy of
chief executive → department heads → section heads → unit managers, are
imported through the same import service HR uses. A two-year plan starting a
year ago is made by the planner, and published as history: the cohorts of the
past year have run (some follow-ups held), the rest are booked, so the
dashboard shows progress and 100% of the managers are planned.

Runs after tillit.demo.core.load_demo (it needs Linköping's programme, slug
"linkopings-kommun-chefsprogram"). Idempotent: when the plan exists nothing is
done. The HR director hr.linkoping@example.org signs in with the demo password.
"""

import datetime as dt
import random
import unicodedata

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tillit.core.models import ManagerialLevel, Person, RoleCategory
from tillit.core.reference import swedish_municipality
from tillit.demo.core import DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES, STOCKHOLM
from tillit.programmes import services as programme_services
from tillit.programmes.models import Programme, Session
from tillit.registrations.models import Registration
from tillit.rollouts import services
from tillit.rollouts.models import FollowUp, RolloutPlan

PLAN_NAME = "Alla chefer genom chefsprogrammet"
HR_EMAIL = "hr.linkoping@example.org"
PROGRAMME_SLUG = "linkopings-kommun-chefsprogram"
PLACE = "Stadshuset, Linköping"

#: (department, title of its head, section prefix, unit manager title,
#:  sections, unit managers per section)
DEPARTMENTS = [
    ("Kommunledningsförvaltningen", "Kanslichef", "Staben för", "Enhetschef", 6, 5),
    ("Utbildningsförvaltningen", "Förvaltningschef", "Skolområde", "Rektor", 11, 18),
    (
        "Socialförvaltningen",
        "Förvaltningschef",
        "Individ- och familjeomsorg",
        "Enhetschef",
        8,
        12,
    ),
    ("Äldreförvaltningen", "Förvaltningschef", "Vård och omsorg", "Enhetschef", 9, 13),
    (
        "Kultur- och fritidsförvaltningen",
        "Förvaltningschef",
        "Kultur och fritid",
        "Verksamhetschef",
        5,
        7,
    ),
    (
        "Miljö- och samhällsbyggnadsförvaltningen",
        "Förvaltningschef",
        "Samhällsbyggnad",
        "Enhetschef",
        5,
        8,
    ),
    (
        "Tekniska förvaltningen",
        "Förvaltningschef",
        "Teknik och service",
        "Enhetschef",
        6,
        11,
    ),
    (
        "Arbetsmarknadsförvaltningen",
        "Förvaltningschef",
        "Arbetsmarknad",
        "Enhetschef",
        5,
        10,
    ),
]
AREAS = [
    "Centrum",
    "Norr",
    "Söder",
    "Öster",
    "Väster",
    "Ryd",
    "Skäggetorp",
    "Berga",
    "Lambohov",
    "Ekholmen",
    "Tannefors",
    "Johannelund",
]
NOTES = [
    "Vi tar med styrmodellen till nästa ledningsgrupp.",
    "Bra samtal om förändringsledning i vår egen verksamhet.",
    "Planerar en workshop med medarbetarna i vår.",
    "Följer upp kompetensförsörjningen på nästa avstämning.",
]


def _ascii(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def manager_rows():
    """The HR export as rows: employee id, name, e-mail, unit, title, manager."""
    names = (
        (first, LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)])
        for i, first in enumerate(FIRST_NAMES * len(LAST_NAMES))
    )
    rows = []

    def add(title, unit, manager):
        first, last = next(names)
        number = len(rows) + 1
        employee_id = f"LK{number:05d}"
        email = f"{_ascii(first)}.{_ascii(last)}.{number}@example.org"
        rows.append([employee_id, f"{first} {last}", email, unit, title, manager])
        return employee_id

    chief = add("Kommundirektör", DEPARTMENTS[0][0], "")
    for department, head_title, prefix, title, sections, units in DEPARTMENTS:
        head = add(head_title, department, chief)
        for s in range(sections):
            area = AREAS[s % len(AREAS)]
            section_unit = f"{prefix} {area}"
            section = add("Avdelningschef", section_unit, head)
            for _u in range(units):
                add(title, section_unit, section)
    return rows


def csv_bytes(rows):
    header = "Anställningsnummer;Namn;E-post;Enhet;Titel;Chefens anställningsnummer"
    lines = [header, *(";".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def load_demo(today=None) -> dict[str, int]:
    today = today or timezone.localdate()
    with transaction.atomic():
        return _load(today)


def _load(today):
    linkoping = swedish_municipality("0580")
    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    hr = _hr_director(linkoping)
    if RolloutPlan.objects.filter(organisation=linkoping, name=PLAN_NAME).exists():
        return {}
    rows = manager_rows()
    batch = services.preview_import(
        linkoping, actor=hr, filename="personalsystem.csv", content=csv_bytes(rows)
    )
    result = services.confirm_import(batch, actor=hr)
    start = today - dt.timedelta(days=365)
    plan = services.create_plan(
        linkoping,
        actor=hr,
        programme=programme,
        name=PLAN_NAME,
        starts_on=start,
        ends_on=today + dt.timedelta(days=365),
        cohort_size=26,
        cohort_count=27,
        max_unit_share=0.2,
        location=PLACE,
    )
    before = start - dt.timedelta(days=1)
    services.run_planning(plan.pk, iterations=30_000, time_limit=4.0, today=before)
    plan.refresh_from_db()
    if plan.run_status != RolloutPlan.RunStatus.DONE:
        raise RuntimeError(f"Demo rollout could not be planned: {plan.message}")
    counts = _publish_history(plan, hr, today)
    return {
        "rollout managers": result["created"],
        "rollout plans": 1,
        **counts,
    }


def _hr_director(linkoping):
    hr, _created = Person.objects.get_or_create(
        email=HR_EMAIL,
        defaults={
            "first_name": "Helena",
            "last_name": "Sandberg",
            "title": "HR-direktör",
            "role_category": RoleCategory.HR_DIRECTOR,
            "managerial_level": ManagerialLevel.TOP,
            "organisation": linkoping,
            "preferred_language": "sv",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    linkoping.employer_contacts.add(hr)
    return hr


def _publish_history(plan, hr, today):
    """Publish the plan as it would look a year on: cohorts and sessions made
    by the programme services, seats confirmed at the time (bulk, as history),
    follow-ups of finished cohorts partly held."""
    rng = random.Random(4)
    published_at = dt.datetime.combine(plan.starts_on, dt.time(9), STOCKHOLM)
    placements = plan.placements.select_related("employment")
    by_cohort = {}
    for placement in placements:
        by_cohort.setdefault(placement.rollout_cohort_id, []).append(placement)
    registrations, follow_ups, sessions = [], [], 0
    for rollout_cohort in plan.cohorts.order_by("number"):
        members = by_cohort.get(rollout_cohort.pk, [])
        if not members:
            continue
        days = rollout_cohort.day_list()
        opens = published_at - dt.timedelta(days=1)
        cohort = programme_services.create_cohort(
            plan.programme,
            actor=hr,
            name=f"{plan.name}, omgång {rollout_cohort.number}",
            starts_on=days[0],
            ends_on=days[-1],
            capacity=len(members),
            registration_opens_at=opens,
            registration_closes_at=max(
                dt.datetime.combine(days[0], dt.time(0), STOCKHOLM),
                opens + dt.timedelta(days=1),
            ),
            location=PLACE,
            waitlist_enabled=False,
        )
        for number, day in enumerate(days, start=1):
            programme_services.add_session(
                cohort,
                actor=hr,
                title=f"Programdag {number}",
                starts_at=dt.datetime.combine(day, dt.time(8, 30), STOCKHOLM),
                ends_at=dt.datetime.combine(day, dt.time(16, 30), STOCKHOLM),
                mode=Session.Mode.ON_SITE,
                location=PLACE,
            )
            sessions += 1
        rollout_cohort.cohort = cohort
        rollout_cohort.save(update_fields=["cohort"])
        ended = cohort.ends_on < today
        for placement in members:
            registrations.append(
                Registration(
                    cohort=cohort,
                    person_id=placement.employment.person_id,
                    status=Registration.Status.CONFIRMED,
                    confirmed_at=published_at,
                    booked_by=hr,
                )
            )
            follow_ups.append(_follow_up(plan, placement, cohort, ended, today, rng))
    Registration.objects.bulk_create(registrations, batch_size=500)
    FollowUp.objects.bulk_create(follow_ups, batch_size=500)
    plan.status = RolloutPlan.Status.PUBLISHED
    plan.published_at = published_at
    plan.save(update_fields=["status", "published_at"])
    return {
        "rollout cohorts": len(by_cohort),
        "rollout sessions": sessions,
        "rollout registrations": len(registrations),
        "follow-ups held": sum(1 for f in follow_ups if f.held_on),
    }


def _follow_up(plan, placement, cohort, ended, today, rng):
    follow_up = FollowUp(plan=plan, employment=placement.employment, cohort=cohort)
    if ended:
        follow_up.notified_at = dt.datetime.combine(
            cohort.ends_on + dt.timedelta(days=1), dt.time(8), STOCKHOLM
        )
        held_on = cohort.ends_on + dt.timedelta(days=rng.randint(7, 60))
        if held_on < today and rng.random() < 0.7:
            follow_up.held_on = held_on
            follow_up.note = rng.choice(NOTES)
            follow_up.logged_by_id = placement.employment.person_id
    return follow_up
