"""Count what a rush left in the database and check the waitlist's order.

Arrival order is the order in which registrations were written under the cohort's
lock: their primary keys come from a sequence inside that lock. The waitlist is in
arrival order when (1) the waitlist selector lists the waiting people in primary-key
order, (2) created_at never goes backwards along the primary keys, and (3) every
seat went to someone who arrived before everyone waiting. Prints one JSON object.
"""

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from tillit.programmes.models import Cohort  # noqa: E402
from tillit.registrations.models import Registration  # noqa: E402
from tillit.registrations.selectors import availability, waitlist  # noqa: E402


def check(cohort):
    rows = list(
        cohort.registrations.order_by("pk").values_list("pk", "status", "created_at")
    )
    confirmed = [pk for pk, status, _ in rows if status == "confirmed"]
    waiting = [pk for pk, status, _ in rows if status == "waitlisted"]
    created = [created_at for _, _, created_at in rows]
    in_arrival_order = (
        [registration.pk for registration in waitlist(cohort)] == waiting
        and all(a <= b for a, b in itertools.pairwise(created))
        and (not confirmed or not waiting or max(confirmed) < min(waiting))
    )
    seat_statuses = {str(s) for s in getattr(Registration, "SEAT_STATUSES", [])}
    seats_taken = sum(
        1 for _, status, _ in rows if status in (seat_statuses or {"confirmed"})
    )
    seats = availability(cohort)
    people = cohort.registrations.values("person").distinct().count()
    return {
        "capacity": cohort.capacity,
        "registrations": len(rows),
        "confirmed": len(confirmed),
        "waitlisted": len(waiting),
        "overbooked": max(0, seats_taken - cohort.capacity),
        "duplicates": len(rows) - people,
        "availability": {"confirmed": seats.confirmed, "waitlisted": seats.waitlisted},
        "waitlist_in_arrival_order": in_arrival_order,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cohorts", type=int, nargs="+")
    args = parser.parse_args()
    result = {pk: check(Cohort.objects.get(pk=pk)) for pk in args.cohorts}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
