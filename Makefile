# Draagvlak: `make run` sets everything up and serves the demo; `make test` runs the full suite,
# `make test-fast` the unit tests only; `make lint` is ruff (lint + format check) and mypy.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
PORT   ?= 5000

.PHONY: run test test-fast lint lock audit install install-test translations extract-messages worker beat clean

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Draagvlak draait op http://127.0.0.1:$(PORT)  (stoppen met Ctrl+C)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Two workers (pytest-xdist; worksteal: an idle worker takes queued tests from the busy one, since a few
# browser walks take minutes): each has its own PostgreSQL database and Redis index (tests/conftest.py).
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: install-test translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# The unit tests: analysis and surveys (pure Python, doctests included) and the architecture rules;
# no browser, no fault injection, no integration with Redis/PostgreSQL. A few seconds to a minute.
test-fast: install-test
	$(BIN)/pytest -q analysis surveys tests/analysis tests/surveys tests/test_architecture.py \
		-m "not browser and not postgres and not redis and not slow"

# Lint (CI runs it before the tests): ruff's rules and its formatter (check only) over the tree, and
# mypy (strict on analysis/ and surveys/, gradual on app/; settings in pyproject.toml).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# After changing a dependency in pyproject.toml: regenerate both lock files from clean virtualenvs.
lock:
	PYTHON=$(PYTHON) scripts/lock.sh

# Security audit (CI runs it before the tests): bandit over the code, pip-audit over the installed
# packages. Accepted findings: inline `# nosec <id>  # reason`, or .bandit-baseline.json; every
# one is listed with its reason in docs/security.md.
audit: install-test
	$(BIN)/bandit -q -r app surveys analysis worker -c .bandit.yml -b .bandit-baseline.json
	$(BIN)/python scripts/pip_audit_check.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs are pinned by the lock files (as constraints: pyproject.toml still says what is needed,
# the lock says which exact version), so every machine gets the same packages.
$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-dev.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet -c requirements-dev.lock -e '.[test,lint]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install
	$(BIN)/pybabel compile -f -d app/translations

# Developers: after adding text, refresh the catalog and fill in the English msgstr lines.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -N -i app/translations/messages.pot -d app/translations

worker: install
	$(BIN)/celery -A worker.celery_app worker --loglevel=info

beat: install
	$(BIN)/celery -A worker.celery_app beat --loglevel=info

clean:
	rm -rf $(VENV) instance/*.sqlite
