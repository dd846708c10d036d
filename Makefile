# Aftercare: `make run` starts the product with demo data; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean translations diagrams coverage-flows assets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Browser bundles (Bootstrap theme, ECharts charts, bpmn-js viewer, studio modeler) from npm, built with esbuild; never committed.
NPM_STAMP := node_modules/.installed
ASSETS := webapp/static/dist/app.css webapp/static/dist/charts.js webapp/static/dist/viewer.js webapp/static/dist/modeler.js webapp/static/dist/signature.js

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

$(ASSETS) &: $(NPM_STAMP) $(wildcard frontend/*)
	npm run build

assets: $(ASSETS)

# Compiled catalogues are build output, not committed.
translations: $(STAMP)
	$(BIN)/pybabel compile -d webapp/translations

# The demo's customer links and nameplate codes point at the local server unless told otherwise.
run: export AFTERCARE_PUBLIC_URL ?= http://127.0.0.1:5000
run: $(STAMP) translations assets
	$(BIN)/aftercare init-db
	$(BIN)/aftercare load-processes processes
	$(BIN)/aftercare demo-data
	@echo "Starting the timer worker and the web app on http://127.0.0.1:5000/ (Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/aftercare worker --interval 30 & \
	  $(BIN)/aftercare serve --host 127.0.0.1 --port 5000

# Every test, on every core (pytest-xdist; TEST_WORKERS=0 runs them in one process); the scenario
# tests again on SQLite with no workflow kept in memory between steps (each one restored from the
# database); then the flow-coverage report of the scenario tests (fails below 100 %).
TEST_WORKERS ?= auto
test: $(STAMP) translations assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS)
	env -u AFTERCARE_TEST_POSTGRES_URL $(BIN)/python -m pytest -q -n $(TEST_WORKERS) tests/processes --cold-cache \
	  --ignore=tests/processes/test_diagrams_in_bpmn_js.py
	$(BIN)/python -m tools.flow_coverage

# The scenario tests alone, and the share of each diagram's sequence flows they take.
coverage-flows: $(STAMP) assets
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) tests/processes
	$(BIN)/python -m tools.flow_coverage

# Redraw processes/*.bpmn and *.dmn from tools/diagrams (the shipped defaults).
diagrams: $(STAMP)
	$(BIN)/python -m tools.diagrams

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/state_dump_bench.py
	$(BIN)/python bench/sandbox_bench.py
	$(BIN)/python bench/bell_bench.py

clean:
	rm -rf $(VENV) instance build node_modules webapp/static/dist .pytest_cache .ruff_cache
