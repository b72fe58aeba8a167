# Every target does its own set-up on a fresh clone: it creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test wheel-check run sandbox lint typecheck bench evaluate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks scripts
	$(BIN)/mypy
	$(MAKE) --no-print-directory wheel-check
	$(BIN)/pytest -q

# The package as users get it (about 30 s): build the wheel from a copy of the sources, install it
# in a fresh venv outside the tree and run `python -m bot --help`, scripts/smoke.py and the sandbox
# from there, so a file missing from the wheel fails here rather than after `pip install .`.
wheel-check: $(STAMP)
	$(BIN)/python scripts/check_wheel.py

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
