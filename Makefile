# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint prod bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/moderation db upgrade
	$(BIN)/moderation demo
	$(BIN)/moderation serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check moderation workers models tests bench

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The docker-compose topology without Docker: gunicorn + Celery worker + beat (Procfile),
# against the DATABASE_URL and REDIS_URL of the environment (honcho ignores .env, which is compose's).
prod: install
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" || \
		{ echo "make prod needs DATABASE_URL and REDIS_URL in the environment" >&2; exit 1; }
	test -x $(BIN)/honcho || $(BIN)/python -m pip install -q -e '.[prod]'
	$(BIN)/moderation db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port 8000 --env /dev/null

# `make bench`: the production topology (the Procfile's web, worker and beat) on this machine,
# measured with wrk against two ceilings; writes bench/results/latest.{json,md}. It creates and
# drops its own database and empties its own Redis DB: never point these at data you keep.
# `make bench BENCH_ARGS=--quick` for a shorter run (about 3 minutes instead of 9).
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/moderation_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install -y wrk)" >&2; exit 1; }
	test -x $(BIN)/py-spy || $(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py --database-url $(BENCH_DATABASE_URL) \
		--redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)
