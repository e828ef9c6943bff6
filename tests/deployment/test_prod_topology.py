"""The `make prod` topology (Granian web, relay, Celery worker and beat, from the Procfile)
on real PostgreSQL and Redis: a comment goes through, /readyz and /metrics tell the truth, and the
logs of the whole run hold no email, token, IP or comment body."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import POSTGRES_URL
from tests.integration_fixtures import REPO, closed_port, final_status, http, redis_db, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

BIN = Path(sys.executable).parent
CLIENT_IP = "203.0.113.77"  # sent through the trusted proxy header; must never be logged
METRICS_TOKEN = "prod-test-metrics-token"


@pytest.fixture(scope="module")
def database(postgres_database):
    """A database of its own: the topology migrates it from nothing, as `make prod` does."""
    name = f"moderation_prod_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def topology(database, redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("prod")
    (folder / "metrics").mkdir()
    port = closed_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS"))},
           "PATH": f"{BIN}:{os.environ['PATH']}", "DATABASE_URL": database,
           "REDIS_URL": redis_db(redis_url, 14), "MODERATION_ENV": "production",
           "IDENTITY_HASH_KEY": "prod-test-identity-key-of-32-bytes-or-more",
           "METRICS_TOKEN": METRICS_TOKEN,
           "EMAIL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
           "MODERATION_INSTANCE_PATH": str(folder / "instance"),
           "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"), "TRUST_PROXY_HOPS": "1",
           "SUBMISSION_RATE_LIMIT": "1000/minute", "PYTHONUNBUFFERED": "1"}
    run = {"env": env, "cwd": folder, "check": True, "capture_output": True}
    subprocess.run([BIN / "moderation", "db", "upgrade"], **run)
    subprocess.run([BIN / "moderation", "sites", "create", "news", "--origin",
                    "https://news.example", "--flood-interval", "0",
                    "--held-word", "lawsuit"], **run)
    log_path = folder / "topology.log"
    with log_path.open("wb") as log:
        honcho = subprocess.Popen(
            [BIN / "honcho", "start", "-f", REPO / "Procfile", "-d", folder, "--port", str(port),
             "--env", "/dev/null"], env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _ready(base), timeout=60, interval=0.5)
            yield base, log_path
        finally:
            os.killpg(honcho.pid, signal.SIGTERM)
            try:
                honcho.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(honcho.pid, signal.SIGKILL)
                honcho.wait()


def _ready(base: str) -> bool:
    try:
        return http("GET", f"{base}/readyz")[0] == 200
    except OSError:
        return False


def metrics(base: str) -> dict[tuple, float]:
    import urllib.request

    request = urllib.request.Request(f"{base}/metrics",
                                     headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def post(base: str, body: str, email: str) -> dict:
    status, accepted = http("POST", f"{base}/api/v1/comments", {
        "site": "news", "thread": "prod-article", "body": body, "author_name": "Prod Reader",
        "author_email": email}, headers={"X-Forwarded-For": CLIENT_IP})
    assert status == 202, accepted
    return accepted


def test_a_comment_goes_through_and_readiness_and_metrics_tell_the_truth(topology):
    base, log_path = topology
    status, ready = http("GET", f"{base}/readyz")
    assert (status, ready["checks"]) == (200, {"database": "ok", "broker": "ok", "models": "ok"})
    before = metrics(base)
    clean = post(base, "A measured view on the new budget.", "prod-clean@example.org")
    held = post(base, "I expect a lawsuit over this.", "prod-held@example.org")
    assert final_status(base, clean, timeout=60) == "approved"
    assert final_status(base, held, timeout=60) == "held"
    after = metrics(base)

    def moved(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    # the worker's counters reach the web's /metrics through the shared multiprocess dir
    assert moved("moderation_comments_decided_total", status="approved", decided_by="scoring") == 1
    assert moved("moderation_comments_decided_total", status="held",
                 decided_by="check:word_lists") == 1
    assert moved("moderation_queue_depth", status="held") == 1
    assert moved("moderation_comments_submitted_total", status="pending") == 2

    log = log_path.read_text(errors="replace")
    assert "scored" in log  # the worker's JSON lines are in this log
    for secret in ("prod-clean@example.org", "prod-held@example.org", clean["author_token"],
                   held["author_token"], CLIENT_IP, "measured view", "lawsuit over this"):
        assert secret not in log
