"""The raw baseline: the registration's locking transaction written straight over
psycopg, no Django and no HTTP, from as many concurrent connections as the rush
has clients. It is the ceiling the HTTP figures are compared with.

Each attempt, like services.register() once the person is known to be eligible:
    BEGIN; SET LOCAL lock_timeout
    SELECT the cohort row FOR UPDATE, and check that registration is open
    is the person already registered?  count the seats taken
    INSERT the registration (a seat, or the waitlist) and its event
    COMMIT

The tables and the defaults of the columns not written here come from the models
(seed.py), so the INSERTs stay valid when a model gains a column. Prints one JSON
object.
"""

import argparse
import asyncio
import datetime as dt
import json
import time
from collections import Counter

import psycopg
from psycopg import errors, sql

LOCK = """
    SELECT capacity, waitlist_enabled, registration_opens_at, registration_closes_at
    FROM programmes_cohort WHERE id = %s FOR UPDATE
"""


class Statements:
    """The SQL of one attempt, built once from the schema seed.py described."""

    def __init__(self, schema):
        registrations = sql.Identifier(schema["registration"]["table"])
        self.already = sql.SQL(
            "SELECT 1 FROM {} WHERE cohort_id = %s AND person_id = %s"
            " AND status <> 'cancelled' LIMIT 1"
        ).format(registrations)
        self.taken = sql.SQL(
            "SELECT count(*) FROM {} WHERE cohort_id = %s AND status = ANY(%s)"
        ).format(registrations)
        self.seat_statuses = schema["seat_statuses"]
        self.registration = self._insert(schema["registration"], returning=True)
        self.event = self._insert(schema["event"], returning=False)

    @staticmethod
    def _insert(table, *, returning):
        """INSERT with named placeholders for the written columns and the model
        defaults for the others."""
        defaults = table["defaults"]

        def build(written):
            columns = [*written, *defaults]
            statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(table["table"]),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(map(sql.Placeholder, columns)),
            )
            if returning:
                statement += sql.SQL(" RETURNING id")
            return statement

        return build, defaults


async def insert(conn, statement, values):
    build, defaults = statement
    return await conn.execute(build(list(values)), {**values, **defaults})


async def register(conn, statements, cohort_id, person_id, lock_timeout_ms):
    """One attempt; returns the outcome's name."""
    async with conn.transaction():
        await conn.execute(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
        cursor = await conn.execute(LOCK, (cohort_id,))
        capacity, waitlist_enabled, opens, closes = await cursor.fetchone()
        now = dt.datetime.now(dt.UTC)
        if not opens <= now < closes:
            return "closed"
        cursor = await conn.execute(statements.already, (cohort_id, person_id))
        if await cursor.fetchone():
            return "already"
        cursor = await conn.execute(
            statements.taken, (cohort_id, statements.seat_statuses)
        )
        (taken,) = await cursor.fetchone()
        if taken < capacity:
            status, action, confirmed_at = "confirmed", "registered", now
        elif waitlist_enabled:
            status, action, confirmed_at = "waitlisted", "waitlisted", None
        else:
            return "full"
        cursor = await insert(
            conn,
            statements.registration,
            {
                "cohort_id": cohort_id,
                "person_id": person_id,
                "status": status,
                "created_at": now,
                "confirmed_at": confirmed_at,
            },
        )
        (registration_id,) = await cursor.fetchone()
        await insert(
            conn,
            statements.event,
            {
                "registration_id": registration_id,
                "action": action,
                "actor_id": person_id,
                "at": now,
            },
        )
        return status


async def rush(dsn, statements, cohort_id, person_ids, options):
    queue = asyncio.Queue()
    for person_id in person_ids:
        queue.put_nowait(person_id)
    outcomes = Counter()
    latencies = []
    failures = []

    async def client(conn):
        while time.monotonic() < options.deadline:
            try:
                person_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                outcome = await register(
                    conn, statements, cohort_id, person_id, options.lock_timeout_ms
                )
            except errors.LockNotAvailable:
                outcome = "try_again"
            except psycopg.Error as error:
                outcome = "error"
                failures.append(repr(error)[:300])
            latencies.append(time.perf_counter() - started)
            outcomes[outcome] += 1

    connections = [
        await psycopg.AsyncConnection.connect(dsn, autocommit=True)
        for _ in range(options.concurrency)
    ]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(client(conn) for conn in connections))
        elapsed = time.perf_counter() - started
    finally:
        for conn in connections:
            await conn.close()
    outcomes["not_attempted"] = queue.qsize()
    return outcomes, latencies, elapsed, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--cohort", type=int, required=True)
    parser.add_argument("--people", required=True, help="JSON file of {id, token}")
    parser.add_argument("--schema", required=True, help="JSON file from seed.py")
    parser.add_argument("--attempts", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--lock-timeout-ms", type=int, default=3000)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args()

    with open(args.people) as file:
        person_ids = [person["id"] for person in json.load(file)][: args.attempts]
    with open(args.schema) as file:
        statements = Statements(json.load(file))
    args.deadline = time.monotonic() + args.max_seconds
    outcomes, latencies, elapsed, failures = asyncio.run(
        rush(args.dsn, statements, args.cohort, person_ids, args)
    )
    print(
        json.dumps(
            {
                "attempts": len(person_ids),
                "outcomes": dict(outcomes),
                "latencies": latencies,
                "seconds": elapsed,
                "failures": failures[:20],
            }
        )
    )


if __name__ == "__main__":
    main()
