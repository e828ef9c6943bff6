"""A job every so many seconds in a daemon thread: beat's work when there is no beat.

The embedded mode (``moderation serve`` without a broker) has no Celery beat; what
beat would run there runs in a thread of the serving process instead. A failing run
is logged by its exception's type (never its message, which may hold an address)
and the next run comes as usual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

from ..extensions import db

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, app: Flask, seconds: float, job: Callable[[], object], name: str):
        self.app, self.seconds, self.job = app, seconds, job
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            with self.app.app_context():
                try:
                    self.job()
                except Exception as error:  # the thread outlives a bad run
                    db.session.rollback()
                    log.warning("%s failed: %s", self.thread.name, type(error).__name__)
                finally:
                    db.session.remove()
            self.stopping.wait(self.seconds)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
