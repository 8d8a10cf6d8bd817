# Akhbar task runner. `make run` sets everything up and crawls the registry; `make test` runs the tests,
# ruff and mypy. Every target installs what it needs first, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.DEFAULT_GOAL := test
.PHONY: install run demo test lint typecheck unit bench browse clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)  ## make the virtualenv and install Akhbar with its test tools

run: install  ## crawl every registry site, then export the feeds (the cron job)
	$(BIN)/akhbar run

demo: install  ## the same, offline, against the bundled demo sites on 127.0.0.x, into data/demo.db and feeds-demo/
	$(BIN)/akhbar demo

lint: install  ## ruff
	$(BIN)/ruff check .

typecheck: install  ## mypy
	$(BIN)/mypy

unit: install  ## the fast inner loop: every test but those marked slow (a process or a server), under 30 s
	$(BIN)/pytest -m "not slow"

test: lint typecheck  ## ruff, mypy and the whole test suite, slow tests included (what CI runs)
	$(BIN)/pytest

bench: install  ## every benchmark (about 45 minutes on 2 cores); rewrites docs/benchmarks.md
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/dedupe.py --articles 100000
	$(BIN)/python -m benchmarks.export
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/search.py --articles 100000
	$(BIN)/python benchmarks/crawl.py --scaling 1000,5000,20000
	$(BIN)/python benchmarks/profile_crawl.py

browse: install  ## browse the archive in Datasette (akhbar browse): search, facets, canned queries; PORT=8001
	$(BIN)/akhbar browse --port $${PORT:-8001}

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
