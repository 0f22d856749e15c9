# Coalition Tracker. `make run` serves the app; `make test` runs every check on SQLite and PostgreSQL.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run serve test lint typecheck audit test-sqlite test-postgres system-deps install clean bench \
	bench-load bench-scale

.venv/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: .venv/.installed

run: install
	$(PY) -m app migrate
	$(PY) -m app seed
	$(PY) -m app serve

# Debian packages the tests need: Chromium (browser tests), PostgreSQL (second engine),
# docker-compose (validates docker-compose.yml), nginx (the front), wrk (bench). Installed only when missing.
system-deps:
	@bash tests/system_deps.sh

lint: install
	$(PY) -m ruff check app tests bench migrations
	$(PY) -m mypy

# bandit must find nothing; pip-audit fails on any known vulnerability and lists, loudly, the
# dependencies its vulnerability service could not look up (see README "Security checks").
audit: install
	$(PY) -m bandit -q -r app
	$(PY) tests/audit_dependencies.py

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install
	bash tests/with_postgres.sh $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

test: system-deps install lint audit test-sqlite test-postgres

bench: system-deps install
	$(PY) bench/pages.py

# Readers and writers under load (issue 9), on SQLite then on a throwaway PostgreSQL.
bench-scale: install
	env -u DATABASE_URL $(PY) bench/scale.py
	bash tests/with_postgres.sh $(PY) bench/scale.py --postgres --factors 1,100

bench-load: install
	env -u DATABASE_URL $(PY) bench/load.py
	bash tests/with_postgres.sh $(PY) bench/load.py

clean:
	rm -rf .venv data .pytest_cache .mypy_cache .ruff_cache
