"""Real processes for integration tests: a Redis broker DB, a Celery worker, the app over HTTP.

The worker builds its own Flask app from the environment (``workers/app.py``),
so ``worker_environment`` hands it exactly the test app's database and keys.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from cryptography.fernet import Fernet
from flask import Flask
from werkzeug.serving import make_server

from moderation.extensions import db

REPO = Path(__file__).resolve().parent.parent
QUEUE = "celery"


def redis_db(redis_url: str, number: int) -> str:
    """A Redis DB of the test's own (never 0, which developers use), emptied before use."""
    url = f"{redis_url.rsplit('/', 1)[0]}/{number}"
    with redis.Redis.from_url(url) as connection:
        connection.flushdb()
    return url


def closed_port() -> int:
    """A local port nothing listens on: what a dead broker looks like."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shell_environment() -> dict[str, str]:
    """This process's environment without the services a developer's shell may point at
    (database, Redis, broker, production mode): each test chooses its own."""
    return {key: value for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MODERATION_ENV"}}


def embedded_environment(instance_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``moderation`` command on the embedded default: no database,
    broker or Redis from the developer's shell, so SQLite under ``instance_path`` and
    in-process scoring; fresh keys; unbuffered output for the test's log."""
    env = shell_environment()
    env.update(IDENTITY_HASH_KEY=f"embedded-test-identity-key-{time.time_ns()}",
               EMAIL_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
               MODERATION_INSTANCE_PATH=str(instance_path), PYTHONUNBUFFERED="1", **extra)
    return env


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def worker_environment(app: Flask, broker_url: str, instance_path: Path) -> dict[str, str]:
    env = shell_environment()
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql+psycopg://", "postgresql://", 1),
        CELERY_BROKER_URL=broker_url,
        SECRET_KEY=app.config["SECRET_KEY"],
        EMAIL_ENCRYPTION_KEYS=",".join(app.config["EMAIL_ENCRYPTION_KEYS"]),
        IDENTITY_HASH_KEY=app.config["IDENTITY_HASH_KEY"],
        MODERATION_INSTANCE_PATH=str(instance_path),
        LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    return env


@contextmanager
def celery_worker(app: Flask, broker_url: str, tmp_path: Path) -> Iterator[Path]:
    """``celery -A workers.app worker`` as a subprocess; yields its log file; always stopped."""
    log_path = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--pool=solo",
               "--concurrency=1", "-Q", QUEUE, "--without-gossip", "--without-mingle",
               "--without-heartbeat", "--loglevel=INFO"]
    env = worker_environment(app, broker_url, tmp_path / "worker-instance")
    with logged_process(command, env, log_path, stop_timeout=15):
        yield log_path


@contextmanager
def logged_process(command: list, env: dict, log_path: Path,
                   stop_timeout: float) -> Iterator[subprocess.Popen]:
    """A process of the repository's, its output into ``log_path``; stopped with SIGTERM (then
    SIGKILL after ``stop_timeout`` seconds) however the block ends."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def http_server(app: Flask) -> Iterator[str]:
    """The app on a real socket, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def http(method: str, url: str, payload: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict]:
    """One request with urllib; returns the status and the JSON body (errors included)."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def wait_for(condition: Callable[[], object], timeout: float = 30.0,
             interval: float = 0.1) -> object:
    """Poll until ``condition()`` is truthy; fail with a timeout otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"condition not met within {timeout} s")


def final_status(base_url: str, accepted: dict, timeout: float = 30.0) -> str:
    """Poll the author's view of a 202'd comment until scoring has decided it."""
    def decided():
        status, body = http("GET", f"{base_url}/api/v1/comments/{accepted['id']}",
                            headers={"X-Author-Token": accepted["author_token"]})
        assert status == 200, body
        return body["status"] if body["status"] != "pending" else None

    return wait_for(decided, timeout=timeout, interval=0.2)


def queue_drained(broker: str) -> bool:
    """Every message acknowledged: none queued, none held unacked by the worker."""
    with redis.Redis.from_url(broker) as connection:
        return connection.llen(QUEUE) == 0 and connection.zcard("unacked_index") == 0


def close_broker_connections(app: Flask) -> None:
    """The test process's producer pool holds sockets; close them before the test ends."""
    if "celery" in app.extensions:  # made on first publish
        app.extensions["celery"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
