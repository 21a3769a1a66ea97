# Retours: `make run` serves the demo, `make test` runs the whole suite. Both create .venv when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
# Links printed on posters and in the terminal: reachable from a phone when serving on 0.0.0.0.
ifeq ($(HOST),0.0.0.0)
BASE_URL ?= http://$(shell hostname -I 2>/dev/null | awk '{print $$1}'):$(PORT)
else
BASE_URL ?= http://$(HOST):$(PORT)
endif
export BASE_URL
FLASK := $(BIN)/flask --app feedback
# French is the source language (the msgids); each other language has a committed .po compiled here into a .mo.
# The French .po holds only the plural entries, generated, so that ngettext follows French's rule (« 0 session »).
TRANSLATIONS := feedback/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test test-postgres lint format install install-dev clean translations translations-update browser-deps bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# The .mo files are generated (gitignored): compiled on a clean clone and again whenever their .po changes.
translations: $(MO_FILES)

$(MO_FILES): %.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For developers: collect the French strings of the code and templates, then merge them into every .po
# (new strings come out untranslated or fuzzy: tests/survey/test_english.py fails until they are translated).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k lazy_gettext -k _l --add-location=file --sort-by-file \
		--project=Retours --no-wrap -o $(TRANSLATIONS)/messages.pot feedback templates
	$(BIN)/pybabel --quiet update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete --no-wrap
	rm -f $(TRANSLATIONS)/messages.pot
	$(BIN)/python $(TRANSLATIONS)/french_plurals.py

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) analyse
	@echo
	@echo "Retours : ouvrez $(BASE_URL)/ (Ctrl+C pour arrêter le site et la file d'attente)"
	@echo
	@# The job queue's consumer (e-mails, webhooks, scheduled tasks) beside gunicorn; Ctrl+C stops both.
	$(FLASK) queue-worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	WEB_CONCURRENCY=$(WORKERS) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

test: $(VENV)/.installed-dev translations
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest

# The browser tests' axe-core (package.json, package-lock.json); Chromium itself is Debian's /usr/bin/chromium.
browser-deps:
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund

# Load benchmarks: they start gunicorn on loopback and print their figures against the targets.
# The close-time stress test (1,200 phones over 2 minutes, a worker killed) takes ~5 minutes for both engines;
# STRESS_BENCH_ARGS="--engine sqlite --minutes 0.5 --sessions 8" for a quick run at the same rate (a minute).
# The crowd and the flood (benchmarks/crowd.py, ~6 minutes): 500 phones from one address within 2 minutes, a script
# flooding the form from one address, and the submit throughput against the ceiling app, at the default settings;
# CROWD_BENCH_ARGS="--minutes 0.5 --think 5 20 --flood-seconds 20 --throughput-runs 1" for a 2-minute run.
# Then the comment analysis: tone on the real labelled comments (DEV and MEASURE parts), personal data masking on the
# probe comments (recall by kind, false positives), themes on the real comments, and speed on 10,000 comments (the
# demo's, then the real ones), each run beside spaCy's whole pipeline timed in the same run.
# Then the participant's form in Chromium at emulated Slow 3G (benchmarks/slow_3g.py, ~1 minute).
# Every benchmark runs even when one misses its targets; the exit status says whether all were met.
bench: $(VENV)/.installed-dev translations
	@status=0; \
	$(BIN)/python benchmarks/survey_load.py $(BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/scores_pages.py $(SCORES_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/api_endpoints.py --reuse $(API_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/close_time_stress.py $(STRESS_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/crowd.py $(CROWD_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/tone_quality.py || status=1; \
	$(BIN)/python benchmarks/masking_quality.py || status=1; \
	$(BIN)/python benchmarks/themes_quality.py || status=1; \
	$(BIN)/python benchmarks/analysis_speed.py || status=1; \
	$(BIN)/python benchmarks/analysis_speed.py --real || status=1; \
	$(BIN)/python benchmarks/quotes_page.py $(QUOTES_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/queue_work.py $(QUEUE_BENCH_ARGS) || status=1; \
	$(BIN)/python benchmarks/slow_3g.py || status=1; \
	exit $$status

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
