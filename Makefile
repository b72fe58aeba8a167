# Every target does its own set-up on a fresh clone: it creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run sandbox lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -q

run: $(STAMP)
	$(BIN)/python -m bot run

# Try it offline in a browser: the emulator, the real bot and a chat page on 127.0.0.1.
sandbox: $(STAMP)
	$(BIN)/python -m bot sandbox $(SANDBOX_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/quality_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
