# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/moderation db upgrade
	$(BIN)/moderation sites create demo --name "Demo Newsroom" --origin http://127.0.0.1:8000 --if-missing
	$(BIN)/moderation serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check moderation workers models tests bench

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
