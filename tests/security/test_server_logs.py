"""``moderation serve`` for real (audit F-11, F-20): gunicorn's own log lines carry a client's
keyed digest, never its address, and no control socket is opened."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from moderation.privacy import Privacy
from tests.integration_fixtures import closed_port, logged_process, wait_for

pytestmark = pytest.mark.integration

IDENTITY_KEY = "server-log-test-identity-key-0123456789"
ENCRYPTION_KEY = Fernet.generate_key().decode()


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def oversized_request_line(port: int) -> bytes:
    """gunicorn refuses a request line over 4094 bytes and logs the client's address."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET /" + b"a" * 8000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        return connection.recv(200)


@pytest.fixture
def served(tmp_path):
    """``moderation serve`` (one worker) with a home and runtime dir of its own; yields its port
    and a function returning its log so far; always stopped."""
    port, home = closed_port(), tmp_path / "home"
    (home / "run").mkdir(parents=True)
    env = {**{key: value for key, value in os.environ.items()
              if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MODERATION_ENV"}},
           "HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"),
           "IDENTITY_HASH_KEY": IDENTITY_KEY, "EMAIL_ENCRYPTION_KEYS": ENCRYPTION_KEY,
           "MODERATION_INSTANCE_PATH": str(tmp_path / "instance"), "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "serve.log"
    command = [Path(sys.executable).parent / "moderation", "serve", "--port", str(port),
               "--workers", "1", "--threads", "1"]
    with logged_process(command, env, log_path, stop_timeout=20):
        wait_for(lambda: listening(port), timeout=60, interval=0.2)
        yield port, home, log_path.read_text


def test_gunicorn_logs_the_digest_of_a_bad_clients_address_not_the_address(served):
    port, _home, log = served
    assert oversized_request_line(port).startswith(b"HTTP/1.1 414")
    lines = wait_for(lambda: [line for line in log().splitlines() if "Invalid request" in line],
                     timeout=10)
    digest = Privacy([ENCRYPTION_KEY], IDENTITY_KEY).ip_digest("127.0.0.1")
    assert len(lines) == 1
    assert f"ip={digest}: " in lines[0] and "Request Line is too large" in lines[0]
    assert "127.0.0.1" not in lines[0]


def test_no_control_socket_is_opened(served):
    _port, home, _log = served
    sockets = [path for path in home.rglob("*") if path.name.startswith("gunicorn")]
    assert sockets == []
