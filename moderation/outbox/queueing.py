"""Hand committed work to the queue without ever failing the request that made it.

Called only after commit: the row is durable, so a broker outage costs
latency, not data. The sweeper enqueues whatever is left pending.
"""

from __future__ import annotations

import logging

from flask import current_app
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from ..platform.logs import request_id

log = logging.getLogger(__name__)


def _enqueue(task_name: str, object_id: int) -> bool:
    """Send through this Flask app's own Celery app, not Celery's process-wide default:
    with two apps in one process (tests, scripts) the default may be the other's broker."""
    import workers.tasks  # noqa: F401  registers the tasks; it imports the services that call us

    task = current_app.extensions["celery"].tasks[f"workers.tasks.{task_name}"]
    try:
        task.apply_async((object_id,), headers={"request_id": request_id.get()})
    except (BrokerError, RedisError, OSError) as error:
        log.warning("broker unavailable, %s(%d) left for the sweeper: %s",
                    task_name, object_id, type(error).__name__)
        return False
    return True


def enqueue_scoring(comment_id: int) -> bool:
    return _enqueue("score_comment", comment_id)


def enqueue_webhook(delivery_id: int) -> bool:
    return _enqueue("deliver_webhook", delivery_id)
