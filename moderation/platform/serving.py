"""Run the app under Granian from our own CLI, so ``moderation serve`` is the one way to serve.

Granian parses HTTP and keeps connections in Rust and hands each request to a thread of the
worker's pool, which runs the app; per request it costs a fraction of a pure-Python server's
CPU (issue #16: reads 2,901 -> 6,171/s and submissions 408 -> 559/s in one quick
``make bench``, gunicorn gthread against Granian, same 2 workers x 4 threads). It logs no
client address of its own: bad requests are answered 400 or 431 without a log line.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from flask import Flask
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from ..extensions import db

# An idle keep-alive connection, or one still sending its headers, is closed after this
# long: a slow client cannot hold a worker's connections, and a proxy in front must give up
# its pooled connections sooner (deploy/nginx.conf's keepalive_timeout).
HEADER_READ_TIMEOUT_MS = 5_000
# How long a stopping worker may take to finish its requests before it is killed.
WORKER_STOP_SECONDS = 5
# A request line and headers larger than this are refused (431) before the app sees them;
# Granian's default (about 400 KiB) would let each connection hold that much.
HEADER_BYTES_LIMIT = 64 * 1024


def server_options(*, host: str, port: int, workers: int, threads: int) -> dict:
    """The server settings of ``moderation serve``; the benchmark's ceiling apps reuse them."""
    return {"address": host, "port": port, "interface": Interfaces.WSGI, "workers": workers,
            "blocking_threads": threads, "log_access": False,
            "http1_settings": HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS,
                                            max_buffer_size=HEADER_BYTES_LIMIT),
            # A worker that dies is replaced (Granian's default is to stop the server), unless
            # it dies again within seconds of being replaced: then the server stops.
            "respawn_failed_workers": True,
            # On stop, a worker still there after this long is killed. A worker that had just
            # served a submission sometimes stayed asleep through its stop signal (2 of 5
            # Ctrl-Cs after a POST), and the master waited on it for ever.
            "workers_kill_timeout": WORKER_STOP_SECONDS}


def run_wsgi(app: Flask, options: dict, after_fork: Callable[[], None] | None = None) -> None:
    """Serve ``app`` as it is now: each worker is forked from this process and runs the same
    app object, after ``after_fork``."""

    def worker_app(_target: str) -> Flask:
        if after_fork is not None:
            after_fork()
        return app

    Server(app.import_name, **options).serve(target_loader=worker_app)


def serve(app: Flask, *, host: str, port: int, workers: int, threads: int,
          in_each_worker: Callable[[], None] | None = None) -> None:
    """Serve ``app``; ``in_each_worker`` starts a worker's background threads after its fork.

    The master forks (and re-forks a worker that died) with no thread of ours running and
    no database connection open: a thread caught mid-query at the fork can leave the child a
    lock (SQLite's, a pool's) that nothing there will release, and a child closing an SQLite
    connection it inherited can checkpoint and reset the WAL under the parent's feet. With
    the relay in the master, the embedded default's submissions waited 15-90 s (503s and
    timeouts) after 3 of 6 starts.
    """
    with app.app_context():
        db.engine.dispose()  # the connections the master used while starting
    # What is loaded by now (the app, the models) lives as long as the process: out of the
    # collector's sight, a worker's collections no longer walk it over and over (a
    # submission's CPU in-process 1,423 -> 1,341 and 1,364 -> 1,320 µs, issue #16), and the
    # workers share its pages with the master longer.
    gc.collect()
    gc.freeze()
    run_wsgi(app, server_options(host=host, port=port, workers=workers, threads=threads),
             in_each_worker)
