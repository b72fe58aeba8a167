# Every target does its own set-up on a fresh clone: it creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test run sandbox lint typecheck bench evaluate clean

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
	$(BIN)/python benchmarks/referral_pack.py
	$(BIN)/python benchmarks/hostile_files.py

# Build the labelled photo set (about 390 photos, 1-2 minutes) and print the photo checks' figures.
EVAL_DIR ?= .eval-set
evaluate: $(STAMP)
	test -d $(EVAL_DIR)/close_up || $(BIN)/python -m bot.quality.dataset $(EVAL_DIR)
	$(BIN)/python -m bot.quality.evaluate $(EVAL_DIR)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .eval-set
