# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint typecheck pytest install clean chat bench fuzz css screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Start the service on embedded defaults (SQLite, email to a drop folder).
run: $(STAMP)
	$(BIN)/casereview migrate
	$(BIN)/casereview serve

## Lint, type-check and run the whole suite.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(AXE)
	$(BIN)/pytest

# axe-core, for the accessibility checks the browser tests run in Chromium.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

chat: $(STAMP)
	$(BIN)/casereview migrate
	$(BIN)/casereview chat

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .mypy_cache .ruff_cache

## Benchmarks (not tests): server time per turn in-process, then load on real gunicorn servers
## (SQLite and the PostgreSQL server on 127.0.0.1) beside bare Flask. About 8 minutes.
bench: $(STAMP)
	$(BIN)/python bench/conversation.py
	cd bench && ../$(BIN)/python pipeline.py
	$(BIN)/python bench/load.py

## The long fuzz run: thousands of random and hostile conversations (minutes, not seconds).
fuzz: $(STAMP)
	FUZZ=long $(BIN)/pytest -o addopts="-q" tests/test_fuzz.py --hypothesis-show-statistics

## Rebuild bot/static/govuk.css from govuk-frontend (npm) and bot/static/src/govuk.scss, after
## changing either. The built file is committed, so running the service needs no Node.
css: $(AXE)
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
		bot/static/src/govuk.scss bot/static/govuk.css

## Regenerate the screenshots in docs/screenshots (the browser tests that take them, on purpose;
## `make test` writes its own to the ignored build/screenshots).
screenshots: $(STAMP) $(AXE)
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -o addopts="-q" tests/test_browser.py \
		-k "whole_application_by_keyboard_in_the_chat_page or whole_application_as_html_forms"
