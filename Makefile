# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make site   installs what is missing (Debian packages included), then builds site/
#   make test   the same set-up plus the test tools, then runs every test
#   make test-fast  the tests that build no site, open no browser and start no other program (under a minute)
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: site test test-fast lint check serve setup test-setup bench clean

site: setup
	$(PY) build.py build

check: setup
	$(PY) build.py check

serve: setup
	$(PY) build.py serve

test: test-setup lint
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff (errors, likely bugs, imports) and mypy (types) over the package; their settings are in pyproject.toml
lint: test-setup
	$(VENV)/bin/ruff check reviewpress tests bench build.py
	$(VENV)/bin/mypy

# slow and browser are given in tests/conftest.py (pytest_collection_modifyitems)
test-fast: test-setup
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

setup: $(VENV)/.site-ready

test-setup: $(VENV)/.test-ready

$(VENV)/.site-ready: pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh site
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test-ready: $(VENV)/.site-ready package.json package-lock.json
	bash scripts/install-system-packages.sh test
	$(PY) -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

clean:
	rm -rf site .cache
