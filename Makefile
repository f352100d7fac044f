# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/dojo run

test: $(STAMP)
	scripts/with-postgres.sh $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/mypy bot core adapters tests bench

bench: $(STAMP)
	DOJO_PG_DURABLE=1 scripts/with-postgres.sh $(BIN)/python -m bench

clean:
	rm -rf $(VENV) data
