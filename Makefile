# Everyday tasks. `make run` gives a working demo on http://127.0.0.1:5000;
# `make test` runs the suite (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
PORT ?= 5000
# The background worker (core/worker.py): runs jobs queued in a SQLite file under instance/,
# or in Redis when REDIS_URL is set.
WORKER := $(BIN)/huey_consumer core.worker.huey
# Start the worker in the background, run the server in the foreground; when the server
# ends (Ctrl-C), stop the worker and wait for it, so neither is left behind.
define with_worker
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(WORKER) $(1) & worker=$$!; \
	$(2)
endef
REQUIREMENTS := $(wildcard requirements*.txt)

.PHONY: venv translations messages run test lint serve clean

venv: $(VENV)/.installed

# pip runs again only when a requirements file is newer than the stamp.
$(VENV)/.installed: $(REQUIREMENTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# Each catalog is compiled only when its .po is newer, so two test runs side by side never
# rewrite a .mo the other is reading.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

translations: venv $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d translations -l $* -o $@.tmp -i $< && mv $@.tmp $@

# Refresh the catalogs after changing user-facing text; then translate the new entries.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k msg -k Column:1 --no-location --sort-output \
		--ignore-dirs=".venv tests bench migrations" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: venv translations
	$(FLASK) db upgrade
	$(FLASK) init
	@if $(FLASK) is-empty; then $(FLASK) seed-demo; fi
	$(call with_worker,-w 1 -m 2,$(FLASK) run --host 127.0.0.1 --port $(PORT))

test: venv translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Production-like: gunicorn and a worker. In production run them as two services instead,
# `gunicorn -w 2 -b 127.0.0.1:8000 wsgi:app` and `huey_consumer core.worker.huey -w 2`
# (as many workers as the work needs; with REDIS_URL on several machines).
serve: venv translations
	$(call with_worker,-w 2,$(BIN)/gunicorn -w 2 -b 127.0.0.1:8000 wsgi:app)

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	find translations -name '*.mo' -delete 2>/dev/null || true
	rm -rf .pytest_cache .ruff_cache .hypothesis test-results screenshots
