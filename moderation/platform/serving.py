"""Run the app under gunicorn from our own CLI, so ``moderation serve`` is the one way to serve."""

from __future__ import annotations

import gc
import logging
import os
import re
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from prometheus_client import multiprocess

from ..extensions import db
from ..privacy import Privacy

# gunicorn's "Invalid request from ip=ADDRESS: reason" (IPv6 addresses contain colons too).
CLIENT_ADDRESS = re.compile(r"\bip=(\S*?)(?=: |\s|$)")


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict:
    """The server settings of ``moderation serve``; the benchmark's ceiling apps reuse them."""
    return {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
            "worker_class": "gthread", "accesslog": None,
            # Else every instance of one user shares one control socket path (gunicorn >= 25.1).
            "control_socket_disable": True}


class _HideAddresses(logging.Filter):
    """Client addresses in gunicorn's own log lines become their keyed digest, as in the
    database (``comments.ip_digest``), so ops can still match them but a log reveals none."""

    def __init__(self, digest: Callable[[str], str | None]):
        super().__init__()
        self.digest = digest

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = CLIENT_ADDRESS.sub(lambda match: f"ip={self.digest(match[1])}", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def address_hiding_logger(privacy: Privacy) -> type[Logger]:
    """A gunicorn ``logger_class`` whose error log never carries a raw client address."""
    hide = _HideAddresses(privacy.ip_digest)

    class AddressHidingLogger(Logger):
        def setup(self, cfg) -> None:
            super().setup(cfg)
            self.error_log.addFilter(hide)

    return AddressHidingLogger


def run_wsgi(app: Flask, options: dict) -> None:
    _Gunicorn(app, options).run()


def run_gunicorn(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    def post_fork(_server, _worker) -> None:
        # Forked workers must open their own database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    def child_exit(_server, worker) -> None:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.mark_process_dead(worker.pid)

    # What is loaded by now (the app, the models) lives as long as the process: out of the
    # collector's sight, a worker's collections no longer walk it over and over (a
    # submission's CPU in-process 1,423 -> 1,341 and 1,364 -> 1,320 µs, issue #16), and the
    # workers share its pages with the master longer.
    gc.collect()
    gc.freeze()
    run_wsgi(app, {**gunicorn_options(host=host, port=port, workers=workers, threads=threads),
                   "post_fork": post_fork, "child_exit": child_exit,
                   "logger_class": address_hiding_logger(app.extensions["privacy"])})
