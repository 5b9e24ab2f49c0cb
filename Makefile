# Two commands a new user needs: `make serve` and `make test`. Each builds its
# own virtual environment on first use and reinstalls only when pyproject.toml
# changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test outputs check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "make: Python 3.11 or newer is needed for the site tools (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

serve: $(STAMP) ## build the site and serve it at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

build: $(STAMP) ## write the static site to site/
	$(BIN)/mkdocs build --strict --site-dir site

test: $(STAMP) ## the whole suite: every snippet under every start method, outputs, site build
	$(BIN)/python -m pytest

outputs: $(STAMP) ## re-run every snippet and store the output its page shows
	$(BIN)/python -m ipcsnippets outputs --update

check: $(STAMP) ## every snippet under every start method against the catalog
	$(BIN)/python -m ipcsnippets check

clean:
	rm -rf $(VENV) site .pytest_cache
