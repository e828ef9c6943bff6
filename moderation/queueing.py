"""Hand a committed comment to the scoring queue without ever failing the submission.

Called only after commit: the comment is durable, so a broker outage costs
latency, not data. The sweeper enqueues whatever is left pending.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def enqueue_scoring(comment_id: int) -> bool:
    from workers.tasks import score_comment  # the task module imports the services

    try:
        score_comment.delay(comment_id)
    except (BrokerError, RedisError, OSError) as error:
        log.warning("broker unavailable, comment %d left pending for the sweeper: %s",
                    comment_id, type(error).__name__)
        return False
    return True
