"""``moderation serve``'s server: what the master does before it forks its workers, and the
embedded default served for real."""

from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from moderation import cli
from moderation.demo import DEMO_ORIGINS, DEMO_SITE
from moderation.extensions import db
from moderation.platform import serving
from tests.integration_fixtures import (
    closed_port,
    embedded_environment,
    listening,
    logged_process,
    wait_for,
)


def test_what_is_loaded_before_the_fork_is_kept_out_of_the_collectors_sight(app, monkeypatch):
    """Frozen objects are never walked by a worker's collections (a submission's CPU)."""
    started = []
    monkeypatch.setattr(serving, "run_wsgi", lambda _app, _options, _after_fork: started.append(
        gc.get_freeze_count()))
    try:
        serving.serve(app, host="127.0.0.1", port=0, workers=1, threads=1)
    finally:
        gc.unfreeze()
    assert started and started[0] > 0


def test_a_worker_runs_the_app_built_before_the_fork_after_its_own_setup(app, monkeypatch):
    """Each worker gets the very app the master built (models loaded once, pages shared),
    and only after ``after_fork`` (its own database connections) has run."""
    calls = []

    class Server:
        def __init__(self, target, **options):
            calls.append(("options", options["workers"], options["blocking_threads"]))

        def serve(self, target_loader):
            calls.append(("worker app", target_loader("ignored")))

    monkeypatch.setattr(serving, "Server", Server)
    serving.run_wsgi(app, serving.server_options(host="127.0.0.1", port=0, workers=3,
                                                 threads=5),
                     lambda: calls.append(("after fork",)))
    assert calls == [("options", 3, 5), ("after fork",), ("worker app", app)]


def test_the_master_forks_with_no_background_thread_and_no_connection(app, monkeypatch):
    """Without a broker the relay and the digests run in each worker, started after its
    fork: a thread of the master's caught mid-query at a fork left the child's SQLite or
    pool lock taken (submissions waited 15-90 s), and an inherited SQLite connection closed
    by the child can reset the WAL under the master."""
    started, at_fork = [], {}
    monkeypatch.setattr(cli.relay, "InProcessRelay", lambda _app: started.append("relay"))
    monkeypatch.setattr(cli, "Periodic", lambda _app, _s, _job, name: started.append(name))

    def run_wsgi(_app, _options, after_fork):
        at_fork.update(started=list(started), connections=db.engine.pool.checkedin())
        after_fork()

    monkeypatch.setattr(serving, "run_wsgi", run_wsgi)
    with app.app_context():
        db.session.execute(select(1))  # the master has used a connection while starting
        db.session.remove()
    try:
        result = app.test_cli_runner().invoke(args=["serve", "--workers", "1"])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert at_fork == {"started": [], "connections": 0}
    assert started == ["relay", "digests"]


@pytest.mark.integration
def test_embedded_submissions_are_answered_at_once_after_every_start(tmp_path):
    """``make run``'s server on SQLite, started and stopped three times: every submission
    gets its 202 within seconds, and Ctrl-C stops the server each time."""
    env = embedded_environment(tmp_path / "instance", TRUST_PROXY_HOPS="1")
    command = Path(sys.executable).parent / "moderation"
    for setup in (["db", "upgrade"], ["demo"]):
        subprocess.run([command, *setup], env=env, check=True, capture_output=True)
    for start in range(3):
        port = closed_port()
        with logged_process([command, "serve", "--port", str(port)], env,
                            tmp_path / f"serve-{start}.log", stop_timeout=5) as server:
            wait_for(partial(listening, port), timeout=60, interval=0.2)
            for n in range(4):
                assert submitted(port, f"Start {start}, comment {n}: the budget vote.",
                                 f"198.51.100.{start * 10 + n + 1}") == 202
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=15) == 0


def submitted(port: int, body: str, address: str) -> int:
    """The status of one widget submission to the demo site, from ``address`` (the proxy's
    X-Forwarded-For, so no address floods); a stalled server fails the read's timeout."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/comments", method="POST",
        data=json.dumps({"site": DEMO_SITE, "thread": "budget", "body": body,
                         "author_name": "Reader", "author_email": "reader@example.org"}).encode(),
        headers={"Content-Type": "application/json", "Origin": DEMO_ORIGINS[-1],
                 "X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
