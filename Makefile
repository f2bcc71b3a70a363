# haken — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve install install-dev assets messages lint format typecheck test test-fast docs bench bench-peer bench-mixed bench-web e2e clean

$(BIN)/haken: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(BIN)/haken
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/haken

install-dev: $(VENV)/.dev-installed

## assets: front-end packages from package-lock.json (npm ci), fingerprinted into web/static/dist
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

assets: install node_modules/.package-lock.json
	$(BIN)/python scripts/build_assets.py

## messages: extract the UI's strings and merge them into the ja/en Babel catalogs
messages: install
	$(BIN)/python scripts/messages.py --fill-en

## run: create the venv, build the assets, migrate the embedded SQLite database, seed demo data, serve
run: install assets
	$(BIN)/haken db upgrade
	$(BIN)/haken demo seed --if-empty
	@echo "haken: open http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/haken serve --host $(HOST) --port $(PORT)

serve: install assets
	$(BIN)/haken serve --host $(HOST) --port $(PORT)

## lint: ruff, import contracts, the generated error catalog, mypy on platform/ and labor/
lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/haken docs errors --check
	$(BIN)/python scripts/check_invariants.py
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

docs: install-dev
	$(BIN)/haken docs errors

## test: lint, then the whole suite with coverage (fails under 85 %)
# The browser tests run in their own pytest process: Playwright's sync API keeps an
# event loop running in the main thread, which the async tests cannot share.
test: lint assets
	$(BIN)/pytest -n 2 --cov=haken --cov-report= -p no:cacheprovider --ignore=tests/e2e
	$(BIN)/pytest --cov=haken --cov-append --cov-report=term --cov-fail-under=85 -p no:cacheprovider tests/e2e

test-fast: install-dev assets
	$(BIN)/pytest -x -q -p no:cacheprovider --ignore=tests/e2e

## bench: reads vs a bare Starlette baseline (same run), the write mix, the peer comparison (SIZE=S|M|L DB=sqlite|postgres)
SIZE ?= S
DB ?= sqlite
bench: install-dev
	$(BIN)/python bench/run.py --size $(SIZE) --db $(DB)

## bench-peer: only the peer comparison (2,126 employees, page of 25, vs Horilla) → bench/results/peer-$(DB).json
bench-peer: install-dev
	$(BIN)/python bench/run.py --parts peer --db $(DB)

## bench-mixed: 200 users on its own PostgreSQL + Redis; PostgreSQL restarted, Redis killed (< 4 min) → bench/results/mixed-load.json
bench-mixed: install-dev
	$(BIN)/python bench/mixed_load.py --size $(SIZE)

## e2e: the browser tests alone (Playwright driving Debian's chromium)
e2e: install-dev assets
	$(BIN)/pytest -q -p no:cacheprovider tests/e2e

## bench-web: LCP, CLS, long tasks and first-load bytes of the main pages → bench/results/
bench-web: install-dev assets
	$(BIN)/python bench/web_vitals.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .coverage
