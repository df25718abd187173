# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-dev run test lint format system-deps data bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

system-deps:
	scripts/system-deps.sh

run: install
	$(BIN)/python app.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev system-deps lint
	$(BIN)/python -m pytest

data: install-dev
	$(BIN)/python -m etl.reference --shared ../shared
	$(BIN)/python -m etl.geo --shared ../shared
	$(BIN)/python -m etl.template

# Speed against baselines measured in the same run (prints ratios; ~3 min): ingest of
# 100 000 rows; the comparison view over a store of a million figures.
bench: install
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.compare

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
