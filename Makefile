# Tillit: `make run` sets up and serves the demo; `make test` sets up and runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/tillit
# Test processes (pytest-xdist); 0 runs the suite in one process.
TEST_WORKERS ?= 2
DEV_ENV := DEBUG=1

.PHONY: help install run test test-sqlite test-postgres test-asan lint format messages \
        bench-registration bench-grouping bench-peer-groups bench-planning \
        bench-mentoring bench-pages backup-drill clean

help:
	@echo "make run     set up .venv, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test    set up and run the whole test suite (SQLite, then PostgreSQL)"
	@echo "make test-asan  the engine's tests with its C core under AddressSanitizer"
	@echo "make backup-drill  dump the demo with pg_dump, restore it into a fresh database, compare every table"
	@echo "make bench-registration | bench-grouping | bench-peer-groups | bench-planning | bench-mentoring"
	@echo "make bench-pages  the most-used pages on the demo and on a large installation (PostgreSQL at PG_URL)"

$(BIN)/python:
	@py=$$(PYTHON="$(PYTHON)" scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml setup.py $(wildcard matching/*.c matching/*.h) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py loaddemo
	@$(DEV_ENV) $(BIN)/python manage.py runworker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install lint test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/python manage.py check

test-sqlite: install
	$(BIN)/pytest -m "not postgres" -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The PostgreSQL pass runs what needs PostgreSQL (races, locks) and the rest of the
# suite again on the production database; browser tests ran in the SQLite pass.
test-postgres: install
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "CI: PostgreSQL is not reachable at $(PG_URL); it must be."; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL suite: no PostgreSQL at $(PG_URL)" \
		     "(start one, or set PG_URL=postgres://user@host:port/db)."; \
	fi

# The engine's C core built with -fsanitize=address,undefined in a temporary
# folder, its tests run against that build (see scripts/asan-engine).
test-asan: install
	PYTHON=$(BIN)/python scripts/asan-engine $(ASAN_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l sv -l fi -l en --no-obsolete \
		--ignore=.venv --ignore=benchmarks --ignore=matching
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

bench-registration: install
	$(BIN)/python benchmarks/bench_registration.py $(ARGS)

bench-grouping: install
	$(BIN)/python benchmarks/bench_grouping.py $(if $(QUICK),--quick) $(ARGS)

bench-peer-groups: install
	$(BIN)/python benchmarks/bench_peer_groups.py $(ARGS)

bench-planning: install
	$(BIN)/python benchmarks/bench_planning.py $(ARGS)

bench-mentoring: install
	$(BIN)/python benchmarks/bench_mentoring.py $(ARGS)

# Builds tillit_scale_demo and tillit_scale on PostgreSQL at PG_URL once (reused
# after), then times the most-used pages on both; ARGS=--rebuild makes them again.
bench-pages: install
	$(BIN)/python benchmarks/bench_pages.py --postgres-url "$(PG_URL)" $(ARGS)

# Backup and restore drill on PostgreSQL at PG_URL: the demo in <db>_drill, pg_dump -Fc,
# pg_restore into <db>_drill_restored, every table compared; both dropped afterwards.
backup-drill: install
	$(BIN)/python scripts/backup_drill.py "$(PG_URL)"

clean:
	rm -rf $(VENV) staticfiles build *.egg-info
