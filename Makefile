# r2p-graph: every command sets itself up first, so each works on a fresh clone.
#   make serve   build the graph from data/ and serve it on http://127.0.0.1:8000/
#   make test    install everything the tests need and run every test
# Other targets: validate, build, lint, bench, bench-scaleout, docs, clean.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup serve test validate build lint bench bench-scaleout clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project with its test and dev tools

serve: setup  ## serve the graph built from data/ (SPARQL at /sparql)
	$(BIN)/python server.py

test: setup  ## install what the tests need and run every test
	bash scripts/test-prerequisites.sh
	$(BIN)/python -m pytest -n 2 --dist loadgroup

validate: setup  ## SHACL-validate data/
	$(BIN)/r2p-graph validate

build: setup  ## write the validated + inferred dataset to build/r2p.trig
	$(BIN)/r2p-graph build --out build/r2p.trig

lint: setup  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy
bench: setup ; $(BIN)/python bench/run.py  ## benchmark against the peers (~1.5 h; report in bench/REPORT.md)
bench-scaleout: setup ; $(BIN)/python bench/scaleout.py  ## embedded vs remote store at 1M and 10M (report in bench/SCALEOUT.md)

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build
