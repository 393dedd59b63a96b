"""Benchmark peer small groups: 5,000 applicants in 500 groups of 8-10.

Generated data only, in a throw-away database (default: a SQLite file in the
temporary directory; set BENCH_DATABASE_URL to use PostgreSQL). The pool is
realistic for the ministry's small groups at national scale: 1,200
organisations of every branch of government (ministries and agencies are
larger than municipalities), 21 regions, ten role categories, 0-35 years as
manager, 300 manager pairs to keep apart, and at most one person from an
organisation per group.

It times the same code path as the background task
(`groups.tasks.propose_groups_task`, i.e. `services.run_proposal` with the
background time limit), then the proposal page's figures and one page of
group cards (`selectors.proposal_view`) and one move by hand. Prints one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_PEOPLE, N_ORGS, N_PAIRS, SEED = 5_000, 1_200, 300, 2026
DB_FILE = Path(tempfile.gettempdir()) / "tillit_bench_peer_groups.sqlite3"


def setup_django():
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    url = os.environ.get("BENCH_DATABASE_URL")
    if url is None:
        DB_FILE.unlink(missing_ok=True)
        url = f"sqlite:///{DB_FILE}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def make_pool():
    from tillit.core.models import Organisation, Person, RoleCategory, Sector
    from tillit.groups.models import Application, GroupRound

    rng = random.Random(SEED)
    kinds = [
        (Organisation.Kind.MINISTRY, Sector.STATE, 12, 40),
        (Organisation.Kind.AGENCY, Sector.STATE, 180, 8),
        (Organisation.Kind.MUNICIPALITY, Sector.MUNICIPAL, 800, 2),
        (Organisation.Kind.REGION, Sector.REGIONAL, 21, 10),
        (Organisation.Kind.UNIVERSITY, Sector.OTHER_PUBLIC, 187, 2),
    ]
    orgs, weights = [], []
    for kind, sector, count, weight in kinds:
        for i in range(count):
            code = f"{i % 21 + 1:02d}{i:02d}" if kind == "municipality" else ""
            orgs.append(
                Organisation(
                    name=f"{kind} {i}",
                    kind=kind,
                    sector=sector,
                    code=code if code and i < 99 else "",
                )
            )
            weights.append(weight)
    orgs = Organisation.objects.bulk_create(orgs[:N_ORGS])
    owner = orgs[0]
    roles = list(RoleCategory.values)
    people = Person.objects.bulk_create(
        Person(
            email=f"bench{i}@example.org",
            first_name=f"Förnamn{i}",
            last_name=f"Efternamn{i}",
            role_category=rng.choice(roles),
            organisation=rng.choices(orgs, weights[: len(orgs)])[0],
            password="!",
        )
        for i in range(N_PEOPLE)
    )
    for person in rng.sample(people, N_PAIRS):
        boss = rng.choice(people)
        if boss.pk != person.pk:
            person.manager = boss
    Person.objects.bulk_update(people, ["manager"], batch_size=1000)
    round_ = GroupRound.objects.create(
        owner=owner, title="Smågrupper, hela landet", year=2027
    )
    Application.objects.bulk_create(
        (
            Application(
                round=round_,
                person=person,
                status=Application.Status.ACCEPTED,
                years_as_manager=rng.randint(0, 35),
                region=f"Region {rng.randint(1, 21)}",
            )
            for person in people
        ),
        batch_size=1000,
    )
    return round_, people[0]


def main():
    argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Prints one JSON object."
    ).parse_args()
    setup_django()
    from tillit.groups import selectors, services
    from tillit.groups.models import Proposal
    from tillit.groups.services import proposals
    from tillit.groups.tasks import propose_groups_task

    started = time.perf_counter()
    round_, actor = make_pool()
    setup_seconds = time.perf_counter() - started

    proposal = Proposal.objects.create(round=round_, requested_by=actor)
    started = time.perf_counter()
    propose_groups_task.call(proposal.pk)
    proposal_seconds = time.perf_counter() - started
    proposal.refresh_from_db()

    started = time.perf_counter()
    view = selectors.proposal_view(proposal, 1)
    page_seconds = time.perf_counter() - started

    figures = view.figures
    movable = {
        pid
        for pid in proposal.assignment
        if all(pid not in pair for pair in proposal.pool["apart"])
    }
    started = time.perf_counter()
    moved = None
    for pid in sorted(movable)[:50]:
        for target in range(proposal.engine["groups"]):
            if not proposals.move_problems(proposal, pid, target):
                services.move(
                    round_, actor=actor, person_id=int(pid), group_number=target + 1
                )
                moved = pid
                break
        if moved:
            break
    move_seconds = time.perf_counter() - started
    sizes = [g.size for g in figures.groups]
    print(
        json.dumps(
            {
                "benchmark": "peer_groups",
                "people": N_PEOPLE,
                "organisations": N_ORGS,
                "apart_pairs": len(proposal.pool["apart"]),
                "status": proposal.status,
                "groups": len(sizes),
                "group_sizes": [min(sizes), max(sizes)],
                "time_limit_s": proposals.background_seconds(N_PEOPLE),
                "proposal_seconds": round(proposal_seconds, 2),
                "engine_seconds": proposal.engine.get("seconds"),
                "objective": proposal.engine.get("objective"),
                "upper_bound": proposal.engine.get("upper_bound"),
                "gap_to_bound_pct": round(
                    100
                    * (proposal.engine["upper_bound"] - proposal.engine["objective"])
                    / proposal.engine["upper_bound"],
                    4,
                ),
                "rules_met": figures.all_rules_met,
                "proposal_page_seconds": round(page_seconds, 3),
                "move_seconds": round(move_seconds, 3),
                "setup_seconds": round(setup_seconds, 2),
                "max_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
