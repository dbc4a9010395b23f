# Anju 安居 — the two commands a new developer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test unit e2e sweep bench bench-pages lint typecheck format browser install lock upgrade settings-table clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs exactly the versions in requirements.lock (the ones the suite last passed with),
# then the app itself without resolving anything again; scripts/check-lock.py and `pip check`
# fail the install if the lock no longer pins what pyproject.toml asks for (run `make lock`).
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/python scripts/check-lock.py
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

## make run: create .venv, install, migrate, load demo data and serve on http://127.0.0.1:5000
run: $(STAMP)
	ANJU_ENV=development $(BIN)/flask --app app db upgrade
	ANJU_ENV=development $(BIN)/flask --app app seed-demo
	ANJU_ENV=development $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

## make test: install what the tests need (incl. Debian's Chromium), lint, type-check, run every test
test: $(STAMP) browser
	$(BIN)/ruff check app tests e2e bench
	$(BIN)/ruff format --check app tests e2e bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest --durations=15

unit: $(STAMP)
	$(BIN)/pytest tests

e2e: $(STAMP) browser
	$(BIN)/pytest e2e

## make sweep: the nightly route sweep, SWEEP_EXAMPLES (default here 200) per route and method
sweep: $(STAMP)
	SWEEP_EXAMPLES=$${SWEEP_EXAMPLES:-200} $(BIN)/pytest tests/test_sweep.py -q

browser:
	@bash scripts/ensure-browser.sh

## make bench: the rules engine's throughput, then the load benchmark (gunicorn + wrk on a
## database seeded with `seed-demo --scale 10`; DATABASE_URL selects PostgreSQL)
bench: $(STAMP)
	@bash scripts/ensure-wrk.sh
	$(BIN)/python bench/bench_eligibility.py
	$(BIN)/python bench/load.py

## make bench-pages: in-process timings of single pages on purpose-built data sets
bench-pages: $(STAMP)
	$(BIN)/python bench/bench_apply.py
	$(BIN)/python bench/bench_rent.py
	$(BIN)/python bench/bench_swap.py

## make settings-table: rewrite the README's settings table from app/config/
settings-table: $(STAMP)
	$(BIN)/python -m app.config README.md

lint: $(STAMP)
	$(BIN)/ruff check app tests e2e bench
	$(BIN)/lint-imports
	$(BIN)/mypy

## make typecheck: mypy on app/ ([tool.mypy] in pyproject.toml), also part of make test
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format app tests e2e bench
	$(BIN)/ruff check --fix app tests e2e bench

## make lock: pin what pyproject.toml added or changed, keeping every other pin as it is
## make upgrade: move every pin to the newest release pyproject.toml allows (then make test)
LOCK := $(BIN)/pip-compile --quiet --extra=postgres --extra=prod --extra=test --strip-extras \
	--no-emit-index-url --no-emit-find-links --output-file=requirements.lock pyproject.toml
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools>=7.4,<8"
	$(LOCK)

upgrade: | $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools>=7.4,<8"
	$(LOCK) --upgrade

clean:
	rm -rf $(VENV) instance/anju.sqlite3*
