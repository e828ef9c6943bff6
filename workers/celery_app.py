"""The worker's Celery app, configured from the Flask config; every task runs in an app context.

Consumer side only: the web app publishes by task name (``moderation.outbox.queueing``)
and never imports this package.
"""

from __future__ import annotations

import os

from celery import Celery, Task
from flask import Flask

from moderation.outbox.queueing import PUBLISHING
from moderation.platform.logs import request_id


class FlaskTask(Task):
    """Runs the task inside its Flask app's context, with the id of the request that
    published it (a header), for the log lines."""

    abstract = True

    def __call__(self, *args, **kwargs):
        token = request_id.set((self.request.headers or {}).get("request_id")
                               or self.request.get("request_id"))
        try:
            with self.app.flask_app.app_context():
                return self.run(*args, **kwargs)
        finally:
            request_id.reset(token)


def celery_init_app(app: Flask) -> Celery:
    celery = Celery(app.name, task_cls=FlaskTask, include=["workers.tasks"])
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        **PUBLISHING,
        # Each message is a batch of up to 100 comments (the relay's): late acks, so a
        # worker killed mid-batch leaves it unacknowledged, and one prefetched message
        # per process, so a kill strands little; the relay publishes again any pending
        # comment whose claim is older than RELAY_CLAIM_SECONDS, so nothing waits for the
        # broker's visibility timeout.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        beat_schedule={
            "sweep-pending": {
                "task": "workers.tasks.sweep_pending",
                "schedule": float(app.config["SWEEP_INTERVAL_SECONDS"]),
            },
            "send-moderator-digests": {
                "task": "workers.tasks.send_moderator_digests",
                "schedule": float(app.config["DIGEST_CHECK_SECONDS"]),
            },
            "drop-expired-ip-hashes": {
                "task": "workers.tasks.apply_retention",
                "schedule": 24 * 3600.0,
            },
        },
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
    )
    celery.flask_app = app  # the app every task runs in (FlaskTask)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
