"""Benchmark cohort planning: a municipality sends all ~700 managers through a
five-day programme in 24 cohorts of 30 over two years.

Generated data only: a chief executive, 8 department heads, units with a unit
manager and first-line managers under them, some leave (bars) and a few pins.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.planning import CohortSlot, Manager, plan_cohorts

DEPARTMENTS = {  # department -> number of managers (sums to 699; plus the chief, 700)
    "Municipal executive office": 39,
    "Education": 200,
    "Social services": 170,
    "Elderly care": 120,
    "Technical services": 65,
    "Culture and leisure": 40,
    "Environment and building": 36,
    "Labour market": 29,
}


def organisation(seed: int) -> list[Manager]:
    rng = random.Random(seed)
    people: list[dict] = []
    chief = {
        "id": "chief",
        "unit": "Executive office management",
        "department": "Municipal executive office",
        "manager_id": None,
    }
    people.append(chief)
    for d, (department, total) in enumerate(DEPARTMENTS.items()):
        head = f"d{d}-head"
        people.append(
            {
                "id": head,
                "unit": f"{department} management",
                "department": department,
                "manager_id": "chief",
            }
        )
        left = total - 1
        u = 0
        while left > 0:
            size = min(left, rng.randint(5, 14))
            unit = f"{department} unit {u}"
            unit_head = f"d{d}-u{u}-head"
            people.append(
                {
                    "id": unit_head,
                    "unit": unit,
                    "department": department,
                    "manager_id": head,
                }
            )
            for k in range(size - 1):
                people.append(
                    {
                        "id": f"d{d}-u{u}-m{k}",
                        "unit": unit,
                        "department": department,
                        "manager_id": unit_head,
                    }
                )
            left -= size
            u += 1
    managers = []
    for person in people:
        barred: frozenset[str] = frozenset()
        pinned = None
        roll = rng.random()
        if roll < 0.05:  # parental or long leave: several consecutive cohorts
            first = rng.randrange(24)
            barred = frozenset(f"c{c}" for c in range(first, min(24, first + 8)))
        elif roll < 0.08:  # a known absence
            barred = frozenset({f"c{rng.randrange(24)}"})
        elif roll < 0.09 and person["manager_id"] not in (None, "chief"):
            pinned = f"c{rng.randrange(6, 24)}"
        managers.append(Manager(**person, pinned=pinned, barred=barred))
    return managers


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Prints one JSON object."
    ).parse_args()
    managers = organisation(seed=7)
    cohorts = [CohortSlot(f"c{c}", capacity=30, order=c) for c in range(24)]
    start, cpu = time.perf_counter(), time.process_time()
    plan = plan_cohorts(managers, cohorts, max_unit_share=0.25, seed=1)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    reasons: dict[str, int] = {}
    for item in plan.not_preceded:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1
    print(
        json.dumps(
            {
                "benchmark": "plan_cohorts",
                "managers": len(managers),
                "cohorts": len(cohorts),
                "departments": len(DEPARTMENTS),
                "units": len({m.unit for m in managers}),
                "pinned": sum(1 for m in managers if m.pinned),
                "with_bars": sum(1 for m in managers if m.barred),
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
                "peak_rss_mb": round(peak / 1024, 1),
                "iterations": plan.iterations,
                "stopped_by_time_limit": plan.stopped_by_time_limit,
                "mix_score": plan.mix_score,
                "population_mix": plan.population_mix,
                "mix_upper_bound": plan.mix_upper_bound,
                "worst_cohort_mix": min(c.mix_score for c in plan.cohorts),
                "precede_count": plan.precede_count,
                "with_manager_in_organisation": len(managers) - plan.without_manager,
                "not_preceded": len(plan.not_preceded),
                "not_preceded_reasons": reasons,
                "same_cohort_count": plan.same_cohort_count,
                "all_rules_hold": all(r.holds for r in plan.rules),
                "cohort_sizes": [c.size for c in plan.cohorts],
                "objective": plan.objective,
            }
        )
    )


if __name__ == "__main__":
    main()
