# Payam: `make demo` opens the app over the built-in mock servers; `make test` runs the suite.
# Both build .venv from nothing (python3 -m venv) the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint typecheck imports bench soak conformance screenshots live-smoke clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install Payam with its test tools

demo: $(STAMP) ## open Payam over in-process mock servers with a seeded world (nothing of yours is touched)
	$(BIN)/payam demo

test: $(STAMP) ## the whole suite: import rules, lint, types, tests
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not live" $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, mypy and the import rules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) ## benchmarks with their budgets (prints figures, fails on a missed budget)
	$(BIN)/python -m bench

soak: $(STAMP) ## long variants of the fault, crash and model tests
	PAYAM_SOAK=1 $(BIN)/pytest -q -m soak --timeout=5400 $(PYTEST_ARGS)

conformance: $(STAMP) ## the full Unicode bidi conformance files (BidiTest.txt, BidiCharacterTest.txt)
	PAYAM_CONFORMANCE=full $(BIN)/pytest -q tests/text -k conformance --timeout=3600

screenshots: $(STAMP) ## regenerate screenshots/ from code
	$(BIN)/python -m tui.screenshots

live-smoke: $(STAMP) ## opt-in: getMe + one getUpdates against the real APIs (tokens from PAYAM_LIVE_*)
	$(BIN)/pytest -q -s -m live tests/live --timeout=120

clean: ## remove .venv and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
