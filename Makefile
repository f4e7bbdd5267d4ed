# hotich — the targets CI runs are the ones a developer runs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-script-viet poppler-utils chromium
DEMO := demo-out
DEMO_DB := sqlite:///$(DEMO)/hotich.db

.PHONY: install system-packages demo test test-fast lint bench clean

# Debian packages when run as root on Debian; the Python venv always.
system-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  fi; \
	else \
	  for c in tesseract pdftoppm; do command -v $$c >/dev/null || \
	    { echo "Missing '$$c': sudo apt-get install $(APT_PACKAGES)"; exit 1; }; done; \
	fi

$(BIN)/hotich: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: system-packages $(BIN)/hotich

# Generate sample scans, copy the shipped samples beside them, run, rerun, report.
demo: install
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	cp -r samples/scans $(DEMO)/scans
	$(BIN)/hotich samples $(DEMO)/generated --pages 6 --seed 2026 --difficulty moderate --dpi 200
	$(BIN)/hotich run $(DEMO)/scans --db $(DEMO_DB) || [ $$? -eq 3 ]
	$(BIN)/hotich run $(DEMO)/generated --db $(DEMO_DB) || [ $$? -eq 3 ]
	@echo "--- a second run over the same folder processes nothing new ---"
	$(BIN)/hotich run $(DEMO)/scans --db $(DEMO_DB) --quiet || [ $$? -eq 3 ]
	$(BIN)/hotich export --format jsonl --db $(DEMO_DB) --out $(DEMO)/entries.jsonl
	@echo "--- the province's inventory, then approval of confident entries and staging for 158 ---"
	$(BIN)/hotich inventory load samples/inventory.csv --db $(DEMO_DB)
	$(BIN)/hotich approve --min-confidence 0.95 --db $(DEMO_DB)
	$(BIN)/hotich stage build --out $(DEMO)/staging --db $(DEMO_DB) || [ $$? -eq 3 ]
	@if ls $(DEMO)/staging/*/manifest.json >/dev/null 2>&1; then $(BIN)/hotich stage verify $(DEMO)/staging; \
	  else echo "(nothing approved to stage yet: review the entries with 'hotich review' first)"; fi
	$(BIN)/hotich report --by commune --format html --out $(DEMO)/report.html --db $(DEMO_DB)
	$(BIN)/hotich report --by commune --db $(DEMO_DB)
	@echo "Report: $(DEMO)/report.html · packages: $(DEMO)/staging · entries: $(DEMO)/entries.jsonl"

test: install
	tesseract --version | head -1
	tesseract --list-langs
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not tesseract"

lint: install
	$(BIN)/ruff check hotich tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/stages.py
	$(BIN)/python benchmarks/orientation.py
	$(BIN)/python benchmarks/inconsistencies.py
	$(BIN)/python benchmarks/models.py

clean:
	rm -rf $(DEMO) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
