"""One Celery app configured from the Flask config; every task runs inside an app context.

With no broker configured, tasks run in-process (eager), so the embedded
default scores comments without Redis or a worker.
"""

from __future__ import annotations

import os

from celery import Celery, Task
from celery_batches import Batches
from flask import Flask

from moderation.platform.logs import request_id

# Scoring takes its messages in batches (``workers.tasks.score_comment``); with late acks a
# buffered message counts against the prefetch limit, so each pool process may hold this
# many batches' worth: one being scored, one filling.
SCORING_BATCH = 100
PREFETCH_PER_PROCESS = 2 * SCORING_BATCH


class _InFlaskApp:
    """Runs the task inside its Flask app's context, with the id of the web request that
    queued it, for the log lines."""

    def __call__(self, *args, **kwargs):
        token = request_id.set(_request_id_of(self.request))
        try:
            with self.app.flask_app.app_context():
                return self.run(*args, **kwargs)
        finally:
            request_id.reset(token)


class FlaskTask(_InFlaskApp, Task):
    abstract = True


class FlaskBatches(_InFlaskApp, Batches):
    """A ``Batches`` task run like the app's other tasks.

    Ack semantics (celery-batches 0.11, read from its source): with ``acks_late`` the
    batch's messages are acknowledged when the batch function returns, whether it
    returned or raised (``apply_batches_task`` logs and swallows exceptions), and never
    if the pool process dies (no error callback): those stay unacknowledged until the
    broker's visibility timeout, and the comments stay pending for the sweeper. Messages
    still in the buffer at a warm shutdown are unacknowledged too, so Redis restores them.
    So the task must not rely on retries; it retries inside the batch and otherwise
    leaves the comments pending.
    """

    abstract = True


def _request_id_of(task_request) -> str | None:
    """The web request's id, sent as a message header (eager runs keep headers apart)."""
    return task_request.get("request_id") or (task_request.headers or {}).get("request_id")


def celery_init_app(app: Flask) -> Celery:
    broker = app.config["CELERY_BROKER_URL"]
    celery = Celery(app.name, task_cls=FlaskTask, include=["workers.tasks"])
    celery.conf.update(
        broker_url=broker or "memory://localhost/",
        task_always_eager=not broker,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=PREFETCH_PER_PROCESS,
        # A submission must not hang on a dead broker: fail fast, the sweeper catches up.
        task_publish_retry=False,
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=True,
        # max_retries 0: one connection attempt, not kombu's retries for up to the timeout.
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5,
                                  "max_retries": 0},
        beat_schedule={
            "sweep-pending": {
                "task": "workers.tasks.sweep_pending",
                "schedule": float(app.config["SWEEP_INTERVAL_SECONDS"]),
            },
            "drop-expired-ip-hashes": {
                "task": "workers.tasks.apply_retention",
                "schedule": 24 * 3600.0,
            },
        },
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
        timezone="UTC",
    )
    celery.flask_app = app  # the app every task runs in (_InFlaskApp)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
