# Two commands on a fresh machine: `make demo` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m validator.demo

test: $(VENV)/.installed
	$(PY) -m ruff check validator tests benchmarks
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) benchmarks/cold_start.py
	$(PY) benchmarks/localisation.py
	$(PY) benchmarks/detection.py
	$(PY) benchmarks/excel_click.py
