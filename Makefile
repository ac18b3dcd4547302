# The book's editions. Set-up on a fresh machine: `make all`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := $(BIN)/python build.py
FLAGS  ?= --strict

.PHONY: all html pdf epub proof watch check release press cover test bench clean system-deps

all: $(STAMP)
	$(BUILD) all $(FLAGS)

html pdf epub press cover: $(STAMP)
	$(BUILD) $@ $(FLAGS)

# Proofs while editing: `make proof SINCE=v1 CHAPTER=slug`, `make watch PORT=8000`.
proof: $(STAMP)
	$(BUILD) proof $(if $(SINCE),--since $(SINCE)) $(if $(CHAPTER),--chapter $(CHAPTER))

watch: $(STAMP)
	$(BUILD) watch $(if $(PORT),--port $(PORT)) $(if $(PDF),--pdf)

# Release gates: the field's own checkers on the built editions.
# checkers/: DAISY Ace and vnu.jar, pinned by package-lock.json (npm ci);
# Ace runs in the system's Chromium, so no Electron or browser download.
CHECKERS := checkers/node_modules/.installed
$(CHECKERS): checkers/package.json checkers/package-lock.json
	@scripts/system-deps.sh check
	cd checkers && ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $(CHECKERS)

check: $(STAMP) $(CHECKERS)
	$(BUILD) check

release: $(STAMP) $(CHECKERS)
	$(BUILD) release $(if $(VERSION),--version $(VERSION)) $(if $(FORCE),--force)

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
