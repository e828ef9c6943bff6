"""Run the app under gunicorn from our own CLI, so ``moderation serve`` is the one way to serve."""

from __future__ import annotations

import os

from flask import Flask
from gunicorn.app.base import BaseApplication
from prometheus_client import multiprocess

from .extensions import db


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
            "worker_class": "gthread", "accesslog": None}


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

    run_wsgi(app, {**gunicorn_options(host=host, port=port, workers=workers, threads=threads),
                   "post_fork": post_fork, "child_exit": child_exit})
