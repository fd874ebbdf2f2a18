# Two commands for a fresh machine:
#   make run   - create/reuse .venv from the pinned lock and start the app
#                (on a demo database in the user data directory when nothing is configured)
#   make test  - create/reuse .venv and run every quality gate and the whole test suite
PYTHON ?= python3
# Every core; whole test files per worker, so a module's expensive fixture (a crash
# run, a server) is built once. Pass PYTEST_ARGS="-n 0 tests/x.py" for one file.
PYTEST_ARGS ?= -n auto --dist loadfile
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck pytest translations bench clean-venv

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) installer/check_python.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python installer/check_system.py
	$(BIN)/shop-desktop $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	@$(BIN)/python installer/check_system.py
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# The quick loop while working: lint, then every test not marked slow (no servers,
# crash runs, benchmarks or property searches; see tests/conftest.py). `make test` runs all.
check: $(STAMP)
	$(BIN)/ruff check .
	@$(BIN)/python installer/check_system.py
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m pytest -n auto --dist loadfile -m "not slow" -q

# Regenerate the catalogues from the sources and compile them (developers only):
# zh_TW has every message; English only the counted ones ("%n match(es)"), for
# their singular and plural forms.
I18N_SOURCES := -extensions py -recursive src/shop_desktop/ui src/shop_desktop/app.py
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete $(I18N_SOURCES) -ts resources/i18n/shop_desktop_zh_TW.ts
	$(BIN)/pyside6-lupdate -no-obsolete -pluralonly $(I18N_SOURCES) -ts resources/i18n/shop_desktop_en.ts
	$(BIN)/pyside6-lrelease resources/i18n/shop_desktop_zh_TW.ts -qm resources/i18n/shop_desktop_zh_TW.qm
	$(BIN)/pyside6-lrelease resources/i18n/shop_desktop_en.ts -qm resources/i18n/shop_desktop_en.qm

clean-venv:
	rm -rf $(VENV)
