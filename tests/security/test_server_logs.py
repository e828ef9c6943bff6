"""``moderation serve`` for real (audit F-11, F-20): the server's own log never carries a
client's address, not even for requests it refuses, and no control socket is opened."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from tests.integration_fixtures import (
    closed_port,
    embedded_environment,
    listening,
    logged_process,
    wait_for,
)

pytestmark = pytest.mark.integration

CLIENT = "127.0.0.2"  # a loopback address of its own, so the server's "Listening at" is not it


def refused(port: int, request: bytes) -> bytes:
    """The server's answer to ``request`` sent from ``CLIENT``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10,
                                  source_address=(CLIENT, 0)) as connection:
        connection.sendall(request)
        return connection.recv(200)


@pytest.fixture
def served(tmp_path):
    """``moderation serve`` (one worker) with a home and runtime dir of its own; yields its port
    and a function returning its log so far; always stopped."""
    port, home = closed_port(), tmp_path / "home"
    (home / "run").mkdir(parents=True)
    env = embedded_environment(tmp_path / "instance", HOME=str(home),
                               XDG_RUNTIME_DIR=str(home / "run"))
    log_path = tmp_path / "serve.log"
    command = [Path(sys.executable).parent / "moderation", "serve", "--port", str(port),
               "--workers", "1", "--threads", "1"]
    with logged_process(command, env, log_path, stop_timeout=20):
        wait_for(lambda: listening(port), timeout=60, interval=0.2)
        yield port, home, log_path.read_text


def test_requests_the_server_refuses_leave_no_client_address_in_its_log(served):
    port, _home, log = served
    assert refused(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000
                   + b"\r\n\r\n").startswith(b"HTTP/1.1 431")
    assert refused(port, b"NOT HTTP AT ALL\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert refused(port, b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1")
    assert "Started worker-1" in log()  # the server's own lines are in this log
    assert CLIENT not in log()
    assert CLIENT not in log()


def test_no_control_socket_is_opened(served):
    _port, home, _log = served
    assert [path for path in home.rglob("*") if path.is_socket()] == []
