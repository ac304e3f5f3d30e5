# eventsite: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js

.PHONY: screenshots install run test lint mypy-report bench translations missing-translations clean dkfds

install: $(STAMP)
	@$(PY) -m eventsite.i18n_check --compile

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Compiled catalogues are committed beside their .po files, so that a plain
# `pip install -e .` or `pip install .` (a deploy script, a container build) serves
# Danish without `make`; `make lint` checks that they match. Edit the .po file, then
# run `make translations` (install, run and test do it too) and commit both. Only
# catalogues whose translations changed are rewritten.
translations: install

# Lists every translatable string in code and templates that no catalogue translates.
missing-translations: install
	$(PY) -m eventsite.i18n_check

# axe-core for the browser tests' accessibility checks. Without npm the suite still
# runs and those tests say they skip (CI installs npm, so there they run).
$(AXE): package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-audit --no-fund --silent && touch $(AXE); \
	else \
	  echo "npm not found: browser tests will be skipped (apt-get install npm)"; \
	fi

# Det Fælles Designsystem (npm `dkfds`, version pinned in package.json), vendored into
# static/dkfds/ and committed: the site needs no Node at run time. This refreshes the
# copy from npm: the compiled CSS and JS, the icons (the sprite and the single SVGs the
# CSS refers to), the IBM Plex Sans weights the pages use (woff2 only: every browser
# that runs the CSS reads woff2) and the licences (MIT; fonts OFL-1.1; icons Apache-2.0).
# The source-map comments go: the maps are not vendored.
DKFDS_DIST := node_modules/dkfds/dist
DKFDS_FONTS := Regular Italic Medium SemiBold Bold
dkfds: package.json
	npm install --no-audit --no-fund --silent
	rm -rf static/dkfds
	mkdir -p static/dkfds/css static/dkfds/js static/dkfds/img static/dkfds/fonts/IBMPlexSans/complete/woff2
	sed '/sourceMappingURL/d' $(DKFDS_DIST)/css/dkfds.min.css > static/dkfds/css/dkfds.min.css
	sed '/sourceMappingURL/d' $(DKFDS_DIST)/js/dkfds.min.js > static/dkfds/js/dkfds.min.js
	cp $(DKFDS_DIST)/img/all-svg-icons.svg static/dkfds/img/
	cp -r $(DKFDS_DIST)/img/svg-icons static/dkfds/img/
	for weight in $(DKFDS_FONTS); do \
	  cp $(DKFDS_DIST)/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-$$weight.woff2 static/dkfds/fonts/IBMPlexSans/complete/woff2/; \
	done
	cp $(DKFDS_DIST)/fonts/IBMPlexSans/complete/woff2/license.txt static/dkfds/fonts/IBMPlexSans/LICENSE-OFL.txt
	cp node_modules/dkfds/LICENSE.md static/dkfds/LICENSE.md
	node -p '"dkfds " + require("./node_modules/dkfds/package.json").version' > static/dkfds/VERSION

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@# The mail worker runs beside the web server and stops with it (Ctrl-C); in
	@# development it prints each email instead of sending it (EVENTSITE_MAIL_BACKEND=log).
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# In parallel with pytest-xdist, one worker per core: on this 2-core machine, loaded by
# others, 2 workers took 161-173 s against 211-272 s in one process (4 workers: 239 s).
# Every worker migrates its own SQLite file and PostgreSQL database. The last lines
# give the duration. `make test WORKERS=0` runs in one process (e.g. with pdb).
WORKERS ?= auto

test: install $(AXE)
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# Static checks: ruff and mypy (see [tool.ruff] and [tool.mypy] in pyproject.toml: the
# strict modules report errors, the rest of the package is only read), and committed
# .mo files that match their .po files. .ci/run runs it before the tests. Not after
# `install`, which would recompile the .mo files first and so hide a stale one.
lint: $(STAMP)
	$(VENV)/bin/ruff check eventsite tests bench migrations config.py wsgi.py
	$(VENV)/bin/ruff format --check eventsite tests bench migrations config.py wsgi.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m eventsite.i18n_check --compiled

# Not a gate: mypy's errors in the whole package, leniently (no strictness, untyped
# libraries as Any), to see how far each area is from joining the strict list.
mypy-report: $(STAMP)
	-$(VENV)/bin/mypy --config-file /dev/null --ignore-missing-imports eventsite config.py wsgi.py

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules instance/*.sqlite* .pytest_cache .mypy_cache

# The pictures in docs/screenshots/ (README), made again from the demo with a fixed clock
# at 390 and 1280 px in Chromium: see tests/browser/screenshots.py. Not part of `make test`.
screenshots: install
	$(PY) tests/browser/screenshots.py
