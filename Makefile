# The two commands a newcomer needs: `make run` and `make test`. Both are idempotent.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: run test lint format messages clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.deps-test: requirements.txt requirements-dev.txt $(VENV)/.deps-run
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# Links in the notices the demo sends (mail printed by the worker) point at this server.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.deps-run
	@scripts/check_pdf_libs.sh
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo "Portal: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, worker and scheduler)"
	PORT=$(PORT) exec $(BIN)/honcho -f Procfile.dev start

test: $(VENV)/.deps-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.deps-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.deps-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the catalogue after changing user-facing text, then fill in the translations.
messages: $(VENV)/.deps-test
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete -i ".venv/*" -i "staticfiles/*" -i "static/vendor/*" -i "tests/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans -l en -i ".venv/*"

clean-venv:
	rm -rf $(VENV)
