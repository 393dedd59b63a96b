"""The backup drill's dump, restore and comparison (scripts/backup_drill.py) on a
small database of its own; `make backup-drill` runs the same on the whole demo."""

import importlib.util
import os
import uuid
from pathlib import Path

import psycopg
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "backup_drill.py"
_spec = importlib.util.spec_from_file_location("backup_drill", SCRIPT)
backup_drill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_drill)

SCHEMA = """
    CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL, email text);
    CREATE TABLE seat (
        id bigserial PRIMARY KEY,
        person_id integer REFERENCES person (id),
        starts timestamptz NOT NULL,
        note text
    );
    INSERT INTO person (name, email) VALUES
        ('Åsa Öberg', 'asa@example.org'), ('Matti Virtanen', NULL),
        ('Eva "E" Lind', 'eva@example.org');
    INSERT INTO seat (person_id, starts, note) VALUES
        (1, '2026-03-02 09:00+01', 'first'), (2, '2026-03-02 09:00+01', NULL),
        (3, '2026-04-01 13:30+02', 'tab	and
newline'), (1, '2026-05-05 08:00+02', 'first');
"""


@pytest.fixture
def restored(tmp_path):
    """A small source database and its copy through pg_dump -Fc and pg_restore."""
    name = f"test_backup_{uuid.uuid4().hex[:8]}_drill"
    source = backup_drill.database_url(os.environ["DATABASE_URL"], name)
    copy = backup_drill.database_url(source, name + "_restored")
    try:
        backup_drill.create_database(source)
        with psycopg.connect(source) as conn:
            conn.execute(SCHEMA)
        timings = backup_drill.dump_and_restore(source, copy, tmp_path)
        yield source, copy, timings
    finally:
        backup_drill.drop_database(copy)
        backup_drill.drop_database(source)


@pytest.mark.postgres
def test_a_restored_dump_has_every_table_and_row_unchanged(restored):
    source, copy, timings = restored

    result = backup_drill.compare_databases(source, copy)

    assert result["tables_compared"] == 2
    assert result["rows_compared"] == 7
    assert result["sequences_compared"] == 2
    assert result["differences"] == 0
    assert timings["dump_bytes"] > 0


@pytest.mark.postgres
def test_the_comparison_finds_a_changed_a_missing_and_an_extra_row(restored):
    source, copy, _ = restored
    with psycopg.connect(copy) as conn:
        conn.execute("UPDATE person SET email = 'other@example.org' WHERE id = 2")
        conn.execute("DELETE FROM seat WHERE id = 4")
        conn.execute("CREATE TABLE stray (id integer)")

    result = backup_drill.compare_databases(source, copy)

    assert result["differences"] == 3
    assert {(d["table"], d["problem"]) for d in result["difference_list"]} == {
        ("public.person", "contents differ"),
        ("public.seat", "row count differs"),
        ("public.stray", "only in the copy"),
    }


@pytest.mark.postgres
def test_a_changed_sequence_position_is_a_difference(restored):
    source, copy, _ = restored
    with psycopg.connect(copy) as conn:
        conn.execute("SELECT setval('person_id_seq', 100)")

    result = backup_drill.compare_databases(source, copy)

    assert [d["problem"] for d in result["difference_list"]] == [
        "sequence position differs"
    ]


@pytest.mark.postgres
def test_a_failed_drill_drops_both_databases(monkeypatch):
    name = f"test_backup_{uuid.uuid4().hex[:8]}_drill"
    url = backup_drill.database_url(os.environ["DATABASE_URL"], name)

    def broken_demo(url):
        raise RuntimeError("loaddemo failed")

    monkeypatch.setattr(backup_drill, "load_demo", broken_demo)
    with pytest.raises(RuntimeError):
        backup_drill.drill(url)

    with psycopg.connect(backup_drill.database_url(url, "postgres")) as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [name + "%"]
        ).fetchall()
    assert left == []


def test_the_drill_only_ever_uses_a_database_named_for_it():
    assert backup_drill.drill_url("postgres://u@h:5432/tillit") == (
        "postgres://u@h:5432/tillit_drill"
    )
    assert backup_drill.drill_url("postgres://u@h/tillit_drill") == (
        "postgres://u@h/tillit_drill"
    )
