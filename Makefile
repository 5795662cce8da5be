# Two entry points for a fresh machine: `make run` and `make test`.
# Each builds the local virtualenv from nothing when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNSTAMP := $(VENV)/.installed-run

.PHONY: run test check lint typecheck imports bench clean system-deps

# `make run` needs Vigie and its dependencies only; `make test` adds the development tools.
$(RUNSTAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNSTAMP)

$(STAMP): $(RUNSTAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Captures need chromium and fonts: installed once when possible, else one line says how.
run: $(RUNSTAMP)
	@bash .ci/install-system-packages.sh --run
	$(BIN)/vigie run

lint: $(STAMP)
	$(BIN)/ruff check bot adapters vigie tests bench
	$(BIN)/ruff format --check bot adapters vigie tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The import contracts of pyproject.toml: the core knows no platform, layers stay in order.
imports: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck imports

# Debian packages the tests use: chromium and fonts (captures), openssl (apt-get as root, or
# via sudo); fails when they cannot be installed.
system-deps:
	bash .ci/install-system-packages.sh

test: system-deps check
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
