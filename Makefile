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

.PHONY: run test test-postgres lint format install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo
	@echo "Retours : ouvrez $(BASE_URL)/ (Ctrl+C pour arrêter)"
	@echo
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'feedback:create_app()'

test: $(VENV)/.installed-dev
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
