"""One Celery app configured from the Flask config; every task runs inside an app context.

With no broker configured, tasks run in-process (eager), so the embedded
default scores comments without Redis or a worker.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery = Celery(app.name, task_cls=FlaskTask, include=["workers.tasks"])
    celery.conf.update(
        broker_url=broker or "memory://localhost/",
        task_always_eager=not broker,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=4,
        # A submission must not hang on a dead broker: fail fast, the sweeper catches up.
        task_publish_retry=False,
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        beat_schedule={
            "sweep-pending": {
                "task": "workers.tasks.sweep_pending",
                "schedule": float(app.config["SWEEP_INTERVAL_SECONDS"]),
            },
        },
        timezone="UTC",
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
