"""Benchmark mentor matching: 5,000 mentees and 500 mentors.

Generated data only. 120 organisations; each mentor (a chief executive or director)
takes 8-12 mentees. Each mentee ranks 5 mentors, drawn with a bias towards mentors
whose profile suits them; the fit of every pair comes from attribute profiles
(cosine similarity of eight interest weights), with 25% of pairs at fit 0. A few
mentees have no wishes and fit nobody, and some pairs are fixed by the organiser.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.mentoring import Mentee, Mentor, match_mentors

N_MENTEES, N_MENTORS, N_ORGS = 5_000, 500, 120


def instance(seed: int):
    rng = np.random.default_rng(seed)
    mentor_org = rng.integers(N_ORGS, size=N_MENTORS)
    mentee_org = rng.integers(N_ORGS, size=N_MENTEES)
    mentors = [
        Mentor(f"mentor-{j}", f"org-{mentor_org[j]}", capacity=int(rng.integers(8, 13)))
        for j in range(N_MENTORS)
    ]
    a = rng.random((N_MENTEES, 8)) ** 2
    b = rng.random((N_MENTORS, 8)) ** 2
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    fit = a @ b.T
    fit = (fit - fit.min()) / (fit.max() - fit.min())
    fit[rng.random(fit.shape) < 0.25] = 0.0
    no_fit = rng.random(N_MENTEES) < 0.002
    fit[no_fit] = 0.0
    mentees = []
    for i in range(N_MENTEES):
        wishes: tuple[str, ...] = ()
        if not no_fit[i]:
            weights = np.exp(6 * fit[i])
            picks = rng.choice(
                N_MENTORS, size=5, replace=False, p=weights / weights.sum()
            )
            wishes = tuple(f"mentor-{j}" for j in picks)
        mentees.append(Mentee(f"mentee-{i}", f"org-{mentee_org[i]}", wishes))
    fixed = []
    for i in range(0, 200, 2):
        j = int(rng.integers(N_MENTORS))
        if mentor_org[j] != mentee_org[i]:
            fixed.append((f"mentee-{i}", f"mentor-{j}"))
    seen: dict[str, int] = {}
    kept = []
    for pair in fixed:
        seen[pair[1]] = seen.get(pair[1], 0) + 1
        if seen[pair[1]] <= 2:
            kept.append(pair)
    return mentees, mentors, fit, kept


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Prints one JSON object."
    ).parse_args()
    mentees, mentors, fit, fixed = instance(seed=11)
    start, cpu = time.perf_counter(), time.process_time()
    result = match_mentors(mentees, mentors, fit=fit, fixed=fixed, seed=1)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    reasons: dict[str, int] = {}
    for item in result.unmatched:
        reasons[item.reason] = reasons.get(item.reason, 0) + 1
    print(
        json.dumps(
            {
                "benchmark": "match_mentors",
                "mentees": len(mentees),
                "mentors": len(mentors),
                "total_capacity": sum(m.capacity for m in mentors),
                "fixed_pairs": len(fixed),
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
                "peak_rss_mb": round(peak / 1024, 1),
                "matched_count": result.matched_count,
                "unmatched_count": len(result.unmatched),
                "unmatched_reasons": reasons,
                "wish_rank_counts": list(result.wish_rank_counts),
                "objective_total_utility": result.total_utility,
                "candidate_arcs": result.candidate_arcs,
                "dense_arcs": len(mentees) * len(mentors),
                "pricing_rounds": result.pricing_rounds,
            }
        )
    )


if __name__ == "__main__":
    main()
