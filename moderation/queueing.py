"""Hand committed work to the queue without ever failing the request that made it.

Called only after commit: the row is durable, so a broker outage costs
latency, not data. The sweeper enqueues whatever is left pending.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _enqueue(task_name: str, object_id: int) -> bool:
    from workers import tasks  # the task module imports the services that call us

    try:
        getattr(tasks, task_name).delay(object_id)
    except (BrokerError, RedisError, OSError) as error:
        log.warning("broker unavailable, %s(%d) left for the sweeper: %s",
                    task_name, object_id, type(error).__name__)
        return False
    return True


def enqueue_scoring(comment_id: int) -> bool:
    return _enqueue("score_comment", comment_id)


def enqueue_webhook(delivery_id: int) -> bool:
    return _enqueue("deliver_webhook", delivery_id)
