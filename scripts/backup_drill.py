"""Backup and restore drill: load the demo into a fresh PostgreSQL database, dump it
with ``pg_dump -Fc``, restore it with ``pg_restore`` into a second fresh database and
compare every table (row count and an order-independent checksum of every row's full
contents) and every sequence's position. Prints JSON with the timings and exits 1 on
any difference. Both databases are dropped at the end, also on failure.

    .venv/bin/python scripts/backup_drill.py [PG_URL]      (or `make backup-drill`)

PG_URL names the server and the source database (default
postgres://postgres@127.0.0.1:5432/tillit_drill); the copy is ``<name>_restored``.
A name that does not end in ``_drill`` gets it appended (``.../tillit`` drills in
``tillit_drill``), so the drill never drops a database it did not make.
The pg_dump and pg_restore on PATH are used; they must be at least the server's
major version.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tillit_drill"
ROOT = Path(__file__).resolve().parent.parent

# Every table outside PostgreSQL's own schemas, as (schema, table).
TABLES = """
    SELECT table_schema, table_name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE'
      AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2
"""
SEQUENCES = """
    SELECT schemaname, sequencename, last_value FROM pg_sequences
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2
"""
# The row count and an order-independent digest of every row's full text form.
TABLE_DIGEST = (
    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
    "ORDER BY md5(t::text)), '')) FROM {} AS t"
)


def database_url(url: str, name: str) -> str:
    """The same server and credentials as url, with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def drill_url(url: str) -> str:
    """url with a database name that ends in _drill."""
    name = database_name(url) or "tillit"
    return url if name.endswith("_drill") else database_url(url, name + "_drill")


def _admin(url: str) -> psycopg.Connection:
    """An autocommit connection to the server's maintenance database."""
    return psycopg.connect(database_url(url, "postgres"), autocommit=True)


def create_database(url: str) -> None:
    """(Re)create the database url names, empty."""
    name = database_name(url)
    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )


def drop_database(url: str) -> None:
    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(database_name(url))
            )
        )


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Per table ("schema.table"): (row count, checksum of all rows, any order);
    per sequence ("sequence schema.name"): (last value or -1, "")."""
    digests: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for schema, table in conn.execute(TABLES).fetchall():
            query = sql.SQL(TABLE_DIGEST).format(sql.Identifier(schema, table))
            count, digest = conn.execute(query).fetchone()
            digests[f"{schema}.{table}"] = (count, digest)
        for schema, name, last_value in conn.execute(SEQUENCES).fetchall():
            value = -1 if last_value is None else last_value
            digests[f"sequence {schema}.{name}"] = (value, "")
    return digests


def compare_databases(source_url: str, copy_url: str) -> dict:
    """Compare every table and sequence of two databases; the differences name
    each table that is missing, extra, or differs in row count or contents."""
    source = table_digests(source_url)
    copy = table_digests(copy_url)
    differences = []
    for name in sorted(source.keys() | copy.keys()):
        if name not in copy:
            differences.append({"table": name, "problem": "missing in the copy"})
        elif name not in source:
            differences.append({"table": name, "problem": "only in the copy"})
        elif source[name] != copy[name]:
            rows, copy_rows = source[name][0], copy[name][0]
            problem = (
                "sequence position differs"
                if name.startswith("sequence ")
                else "row count differs"
                if rows != copy_rows
                else "contents differ"
            )
            differences.append(
                {"table": name, "problem": problem, "source": rows, "copy": copy_rows}
            )
    tables = [name for name in source if not name.startswith("sequence ")]
    return {
        "tables_compared": len(tables),
        "sequences_compared": len(source) - len(tables),
        "rows_compared": sum(source[name][0] for name in tables),
        "differences": len(differences),
        "difference_list": differences,
    }


def dump(url: str, path: Path) -> None:
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(path), url], check=True)


def restore(path: Path, url: str) -> None:
    subprocess.run(
        ["pg_restore", "--no-owner", "--single-transaction", "-d", url, str(path)],
        check=True,
    )


def dump_and_restore(source_url: str, copy_url: str, directory: Path) -> dict:
    """Dump source into directory, restore it into a fresh copy; the timings."""
    path = directory / "drill.dump"
    started = time.monotonic()
    dump(source_url, path)
    dumped = time.monotonic()
    create_database(copy_url)
    restore(path, copy_url)
    restored = time.monotonic()
    return {
        "dump_seconds": round(dumped - started, 2),
        "restore_seconds": round(restored - dumped, 2),
        "dump_bytes": path.stat().st_size,
    }


def load_demo(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    for command in (["migrate", "--noinput"], ["loaddemo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _version(program: str) -> str:
    return subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def drill(url: str) -> dict:
    copy_url = database_url(url, database_name(url) + "_restored")
    report: dict = {"pg_dump": _version("pg_dump")}
    began = time.monotonic()
    try:
        started = time.monotonic()
        create_database(url)
        load_demo(url)
        report["load_demo_seconds"] = round(time.monotonic() - started, 2)
        with tempfile.TemporaryDirectory(prefix="tillit-drill-") as directory:
            report.update(dump_and_restore(url, copy_url, Path(directory)))
        started = time.monotonic()
        report.update(compare_databases(url, copy_url))
        report["compare_seconds"] = round(time.monotonic() - started, 2)
        report["total_seconds"] = round(time.monotonic() - began, 2)
    finally:
        for name in (copy_url, url):
            try:
                drop_database(name)
            except psycopg.Error as error:
                print(f"Could not drop {database_name(name)}: {error}", file=sys.stderr)
    return report


def main(argv: list[str]) -> int:
    given = argv[1] if len(argv) > 1 else os.environ.get("PG_URL")
    url = drill_url(given or DEFAULT_URL)
    report = drill(url)
    print(json.dumps(report, indent=2))
    if not report["rows_compared"]:
        print("The drill compared no rows: the demo did not load.", file=sys.stderr)
        return 1
    return 1 if report["differences"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
