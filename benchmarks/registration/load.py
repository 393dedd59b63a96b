"""The rush: concurrent clients, each attempt a different person registering for
one cohort over the HTTP API. Runs as its own process so the load generator does
not share a CPU budget or an interpreter with the server it measures.

Every attempt is bounded (per-request timeout) and so is the whole run (deadline);
attempts left when the deadline passes count as timed out. Prints one JSON object.
"""

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import httpx


async def rush(url, tokens, concurrency, timeout, deadline):
    queue = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    statuses = Counter()
    latencies = []
    failures = []
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency
    )

    async def client(http):
        while time.monotonic() < deadline:
            try:
                token = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                response = await http.post(
                    url, headers={"Authorization": f"Token {token}"}
                )
            except httpx.HTTPError as error:
                statuses[type(error).__name__] += 1
                failures.append(repr(error)[:200])
                continue
            latencies.append(time.perf_counter() - started)
            statuses[str(response.status_code)] += 1
            if response.status_code not in (201, 409) and len(failures) < 20:
                failures.append(f"{response.status_code} {response.text[:200]}")

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    statuses["not_attempted"] = queue.qsize()
    return statuses, latencies, elapsed, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--people", type=Path, required=True)
    parser.add_argument("--attempts", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()
    if urlsplit(args.url).hostname != "127.0.0.1":
        parser.error("the rush only ever goes to 127.0.0.1")

    people = json.loads(args.people.read_text())[: args.attempts]
    tokens = [person["token"] for person in people]
    deadline = time.monotonic() + args.max_seconds
    statuses, latencies, elapsed, failures = asyncio.run(
        rush(args.url, tokens, args.concurrency, args.timeout, deadline)
    )
    print(
        json.dumps(
            {
                "attempts": len(tokens),
                "statuses": dict(statuses),
                "latencies": latencies,
                "seconds": elapsed,
                "failures": failures[:20],
            }
        )
    )


if __name__ == "__main__":
    main()
