# haken — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve install install-dev lint format typecheck test test-fast docs bench e2e clean

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

## run: create the venv, migrate the embedded SQLite database, seed demo data, serve
run: install
	$(BIN)/haken db upgrade
	$(BIN)/haken demo seed --if-empty
	@echo "haken: open http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/haken serve --host $(HOST) --port $(PORT)

serve: install
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
test: lint
	$(BIN)/pytest --cov=haken --cov-report=term --cov-fail-under=85 -p no:cacheprovider

test-fast: install-dev
	$(BIN)/pytest -x -q -p no:cacheprovider

## bench: haken against a bare Starlette baseline in the same run (SIZE=S|M|L DB=sqlite|postgres)
SIZE ?= S
DB ?= sqlite
bench: install-dev
	$(BIN)/python bench/run.py --size $(SIZE) --db $(DB)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .coverage
