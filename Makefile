# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-dev run serve worker test lint format system-deps data bench loadtest clean

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

# Production: gunicorn, several workers on one database (settings from the environment:
# DEPLOY.md). With REDIS_URL set, also run `make worker` for background callbacks.
serve: install
	$(BIN)/gunicorn -c gunicorn.conf.py app:server

worker: install
	@test -n "$$REDIS_URL" || { echo "REDIS_URL 未设置：后台任务在网页进程中运行，无需 worker。"; \
	  echo "REDIS_URL is not set: background callbacks run in the web workers, no worker needed."; exit 1; }
	PYTHONPATH=$(CURDIR) $(BIN)/celery -A app:celery_app worker --loglevel INFO \
	  --concurrency $${WORKER_CONCURRENCY:-2}

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
	$(BIN)/python -m bench.export

# 50 viewers against `make serve` on loopback for 60 s (needs Chromium: make system-deps).
loadtest: install-dev system-deps
	$(BIN)/python -m bench.loadtest --users $${LOADTEST_USERS:-50} --seconds $${LOADTEST_SECONDS:-60}

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
