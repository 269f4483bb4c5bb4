# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE := node_modules/axe-core/axe.min.js
# Installs come from the hashed locks in requirements/ (`make lock` refreshes them):
# runtime.txt is what the service needs, postgres.txt adds psycopg for PostgreSQL, and dev.txt
# adds the linters, type checker and test tools.
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
POSTGRES_LOCK := requirements/postgres.txt
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile
LOCK_VENV := build/lock-venv
PIP_TOOLS := pip-tools==7.6.2
COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--build-deps-for editable --no-emit-index-url --no-emit-find-links --reuse-hashes

.PHONY: run test lint typecheck pytest install clean chat bench bench-long fuzz lock docs css

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# --no-compile: Python writes bytecode for what it imports on first use, instead of pip
# compiling every module of every package up front (most of twilio is never imported).
# The project itself goes in editable, without its dependencies (those came from the lock) and
# without build isolation (setuptools came from the lock too).
$(RUNTIME): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes --no-deps -r $(RUNTIME_LOCK)
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(DEV): $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes --no-deps -r $(DEV_LOCK)
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

install: $(DEV)

## Start the service on embedded defaults (SQLite, email to a drop folder). Runtime set only.
run: $(RUNTIME)
	$(BIN)/casereview migrate
	$(BIN)/casereview serve

## Lint, type-check and run the whole suite.
test: $(DEV) lint typecheck pytest

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV)
	$(BIN)/mypy

pytest: $(DEV) $(AXE)
	$(BIN)/pytest

# axe-core, for the accessibility checks the browser tests run in Chromium.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

chat: $(RUNTIME)
	$(BIN)/casereview migrate
	$(BIN)/casereview chat

clean:
	rm -rf $(VENV) node_modules instance build .pytest_cache .mypy_cache .ruff_cache

## Refresh the hashed locks from pyproject.toml (then commit requirements/).
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(PIP_TOOLS)"
	$(COMPILE) --output-file $(RUNTIME_LOCK) pyproject.toml
	$(COMPILE) --extra postgres --constraint $(RUNTIME_LOCK) --output-file $(POSTGRES_LOCK) pyproject.toml
	$(COMPILE) --extra dev --constraint $(RUNTIME_LOCK) --output-file $(DEV_LOCK) pyproject.toml

## Benchmarks (not tests). Tables go to build/bench/; `make docs` copies them into docs/.
## The default run takes a few minutes; `make bench-long` measures for longer, with more residents.
bench: $(DEV)
	$(BIN)/python bench/conversation.py
	cd bench && ../$(BIN)/python pipeline.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/keep_alive.py

bench-long: $(DEV)
	BENCH=long $(BIN)/python bench/conversation.py
	cd bench && BENCH=long ../$(BIN)/python pipeline.py
	BENCH=long $(BIN)/python bench/load.py
	BENCH=long $(BIN)/python bench/keep_alive.py

## Regenerate what docs/ shows, on purpose: the dialog diagram, the screenshots (fixed date and
## references, so a re-run changes nothing) and the latest benchmark tables from build/bench/.
docs: $(DEV) $(AXE)
	$(BIN)/python -m dialogs.diagram --write
	CASEREVIEW_DOCS=1 $(BIN)/pytest -o addopts="-q" tests/test_browser.py -k whole_application
	$(BIN)/python bench/publish.py

## The long fuzz run: thousands of random and hostile conversations (minutes, not seconds).
fuzz: $(DEV)
	FUZZ=long $(BIN)/pytest -o addopts="-q" tests/test_fuzz.py --hypothesis-show-statistics

## Rebuild bot/static/govuk.css from govuk-frontend (npm) and bot/static/src/govuk.scss, after
## changing either. The built file is committed, so running the service needs no Node.
css: $(AXE)
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
		bot/static/src/govuk.scss bot/static/govuk.css

