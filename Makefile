# The book's editions. Set-up on a fresh machine: `make all`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := $(BIN)/python build.py
FLAGS  ?= --strict

.PHONY: all html pdf epub test bench clean system-deps

all: $(STAMP)
	$(BUILD) all $(FLAGS)

html pdf epub: $(STAMP)
	$(BUILD) $@ $(FLAGS)

# The virtual environment, with pandoc from the pypandoc-binary wheel.
$(STAMP): pyproject.toml
	@scripts/system-deps.sh build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

test: $(STAMP)
	@scripts/system-deps.sh test
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf dist .cache bench/out tests/artifacts
