# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# `make run` installs only what running Dojo needs; `make test` (and lint, bench) add the dev tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(RUN_STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/dojo run

test: $(STAMP)
	scripts/with-postgres.sh $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/mypy bot core adapters tests bench

bench: $(STAMP)
	DOJO_PG_DURABLE=1 scripts/with-postgres.sh $(BIN)/python -m bench

clean:
	rm -rf $(VENV) data
