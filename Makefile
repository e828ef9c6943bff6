# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint prod bench chaos lock

# Every dependency at the version and hashes of the lock (runtime + test extra), then the
# project itself, editable and without dependencies of its own choosing.
$(STAMP): pyproject.toml requirements-test.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# `make lock` after changing pyproject.toml's dependencies: requirements.lock (runtime, what the
# Dockerfile installs) and requirements-test.lock (runtime + test extra at the same versions,
# what `make install` and CI install), both with hashes. Keeps the pins still allowed; to move
# them: `make lock LOCK_ARGS=--upgrade` (or --upgrade-package NAME). uv resolves against the
# package index alone, whatever pip's local configuration adds; it lives in a venv of its own.
LOCK_TOOLS := $(VENV)/lock-tools
LOCK := $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --quiet --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/python -m pip install -q 'uv>=0.9,<1'; }
	$(LOCK) --output-file requirements.lock
	$(LOCK) --extra test --constraint requirements.lock --output-file requirements-test.lock

run: install
	$(BIN)/moderation db upgrade
	$(BIN)/moderation demo
	$(BIN)/moderation serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check moderation workers models tests bench

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# `make chaos`: the fault-injection scenarios (tests/chaos: Redis, PostgreSQL, worker and relay
# kills, a 10-minute soak through each, on the Procfile's processes and servers of the test's own)
# at the issue's full scale (about 20 minutes; `make test` runs them at a tenth) with their
# figures in bench/results/chaos.md.
chaos: install
	CHAOS_SCALE=1 CHAOS_REPORT=bench/results/chaos.md $(BIN)/python -m pytest -p no:cacheprovider tests/chaos

# The docker-compose topology without Docker: Granian web + relay + Celery worker + beat (Procfile),
# against the DATABASE_URL and REDIS_URL of the environment (honcho ignores .env, which is compose's).
# No proxy comes with it: web listens on 127.0.0.1 only. Put your TLS proxy in front and export
# TRUST_PROXY_HOPS=1 (README: "TLS"); with 0 behind a proxy every reader shares its address, and
# with 1 while clients can reach the port directly any of them can claim any address.
prod: install
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" || \
		{ echo "make prod needs DATABASE_URL and REDIS_URL in the environment" >&2; exit 1; }
	test -x $(BIN)/honcho || $(BIN)/python -m pip install -q -e '.[prod]'
	$(BIN)/moderation db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port 8000 --env /dev/null

# `make bench`: the production topology (the Procfile's web, worker and beat) on this machine,
# measured with wrk against two ceilings and Isso 0.14, the peer (installed on first use into
# .bench-venvs/isso, a virtualenv of its own); writes bench/results/latest.{json,md}. It creates
# and drops its own database and empties its own Redis DB: never point these at data you keep.
# `make bench BENCH_ARGS=--quick` for a shorter run (about 4 minutes instead of 11).
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/moderation_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install -y wrk)" >&2; exit 1; }
	test -x $(BIN)/py-spy || $(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py --database-url $(BENCH_DATABASE_URL) \
		--redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)
