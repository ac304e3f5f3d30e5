# eventsite: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
CATALOGUES := $(shell find eventsite -path '*/translations/*/LC_MESSAGES/messages.po')
COMPILED := $(CATALOGUES:.po=.mo)
AXE := node_modules/axe-core/axe.min.js

.PHONY: install run test bench translations missing-translations clean

install: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Compiled catalogues are build output: made from the .po files, never committed.
%/messages.mo: %/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

translations: $(COMPILED)

# Lists every translatable string in code and templates that no catalogue translates.
missing-translations: install
	$(PY) -m eventsite.i18n_check

$(AXE): package.json
	npm install --no-audit --no-fund --silent
	touch $(AXE)

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules instance/*.sqlite* .pytest_cache
