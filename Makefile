# The README's two commands are `make demo` and `make test`; each sets up what it needs first.
.PHONY: setup demo test unit browser lint bench clean

VENV := .venv
BIN := $(VENV)/bin

setup:
	@scripts/setup.sh

demo: setup
	$(BIN)/sc-cancel run --execute

test: setup
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist worksteal

unit: setup
	$(BIN)/python -m pytest -q tests/unit

browser: setup
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist worksteal tests/browser

lint: setup
	$(BIN)/ruff check automation tests bench
	$(BIN)/ruff format --check automation tests bench
	$(BIN)/mypy automation

bench: setup
	$(BIN)/python bench/scan.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache recordings/runs
	@echo "kept: the data folder (default ~/.local/share/sc-cancel) with the ledger and the run folders (runs/);"
	@echo "delete it by hand to start over (recordings/runs above is where older versions put run folders)"
