# Every target does its own set-up on a fresh clone: it creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test wheel-check run sandbox lint typecheck bench bench-load evaluate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,sandbox]'
	touch $(STAMP)

test: $(STAMP)
	scripts/system_packages.sh
	$(BIN)/ruff check bot tests benchmarks scripts
	$(BIN)/mypy
	$(MAKE) --no-print-directory wheel-check
	$(BIN)/pytest -q

# The package as users get it (about 2 minutes): build the wheel from a copy of the sources,
# install it with its `sandbox` extra in a fresh venv outside the tree and run `python -m bot
# --help`, scripts/smoke.py and the sandbox from there, so a file missing from the wheel fails
# here rather than after `pip install .`.
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
	$(BIN)/python benchmarks/erasure.py
	$(BIN)/python benchmarks/journey_statements.py
	$(BIN)/python benchmarks/submission_work.py

# 50 patients at once through the emulator with the real bot process (a few minutes).
bench-load: $(STAMP)
	$(BIN)/python benchmarks/load_patients.py

# Build the labelled photo set (about 390 photos, 1-2 minutes) and print the photo checks' figures.
EVAL_DIR ?= .eval-set
# Real photographs (not in the repository; docs/quality-evaluation.md says where they come from):
# a manifest of skin photos and one of photos with and without faces, used when present.
REAL_SET ?= ../realdata/manifest.csv
FACE_SET ?= ../realfaces/manifest.csv
# Photographs gathered after the checks were tuned (never used to choose anything): all reported.
FRESH_SET ?= ../realdata/manifest5.csv
# Photographs of dark skin (and some medium), also gathered after tuning: all reported.
DARK_SET ?= ../realdata/manifest-dark.csv
# Patients' own smartphone photos from SCIN (Google), also gathered after tuning: all reported.
SCIN_SET ?= ../realdata/manifest-scin.csv
# More photographs of dark skin (wound-clinic photos of feet and legs, eighth pass), after tuning.
DARK2_SET ?= ../realdata/manifest-dark2.csv
evaluate: $(STAMP)
	test -d $(EVAL_DIR)/close_up || $(BIN)/python -m bot.quality.dataset $(EVAL_DIR)
	@echo "== rendered set (ten Monk tones and scikit-image photographs)"
	$(BIN)/python -m bot.quality.evaluate $(EVAL_DIR)
	@if [ -f "$(REAL_SET)" ]; then \
	  for split in dev test; do \
	    dir=$(EVAL_DIR)-real-$$split; \
	    if [ ! -d $$dir/close_up ] || [ -n "$$(find bot/quality/realset.py bot/quality/dataset.py \
	        bot/quality/render.py $(REAL_SET) -newer $$dir/close_up)" ]; then rm -rf $$dir; \
	      $(BIN)/python -m bot.quality.realset $(REAL_SET) $$dir --split $$split; fi; \
	    echo "== real photographs, $$split split (size rule set aside)"; \
	    $(BIN)/python -m bot.quality.evaluate $(EVAL_DIR)-real-$$split --ignore-size; \
	  done; \
	else echo "== no real photographs at $(REAL_SET): see docs/quality-evaluation.md"; fi
	@for pair in "fresh|$(FRESH_SET)|gathered after tuning" \
	    "dark|$(DARK_SET)|of dark skin, gathered after tuning" \
	    "scin|$(SCIN_SET)|from SCIN, patients' own photos, gathered after tuning" \
	    "dark2|$(DARK2_SET)|of dark skin in a wound clinic, gathered after tuning"; do \
	  name=$${pair%%|*}; rest=$${pair#*|}; manifest=$${rest%%|*}; what=$${rest#*|}; \
	  [ -f "$$manifest" ] || continue; \
	  dir=$(EVAL_DIR)-real-$$name; \
	  if [ ! -d $$dir/close_up ] || [ -n "$$(find bot/quality/realset.py bot/quality/dataset.py \
	      bot/quality/render.py "$$manifest" -newer $$dir/close_up)" ]; then rm -rf $$dir; \
	    $(BIN)/python -m bot.quality.realset "$$manifest" $$dir --split all; fi; \
	  echo "== real photographs $$what, never used to choose (size rule set aside)"; \
	  $(BIN)/python -m bot.quality.evaluate $$dir --ignore-size; \
	done
	@if [ -f "$(FACE_SET)" ]; then \
	  echo "== faces in real photographs (as for a child's locator)"; \
	  $(BIN)/python -m bot.quality.faceset $(FACE_SET); fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .eval-set .eval-set-real-dev .eval-set-real-test .eval-set-real-fresh .eval-set-real-dark .eval-set-real-scin .eval-set-real-dark2
