# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest serve bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/counter demo $(ARGS)

serve: $(STAMP)
	$(BIN)/counter serve --seed demo $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/callnext.py
	$(BIN)/python bench/idle.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/display_latency.py

clean:
	rm -rf $(VENV) build *.egg-info
