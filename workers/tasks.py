"""Celery tasks. They take ids only: no ORM objects and never personal data cross the broker."""

from __future__ import annotations

import logging
import random
import time

from celery import shared_task
from celery_batches import SimpleRequest
from flask import current_app
from sqlalchemy.exc import DBAPIError

from moderation import scoring
from moderation.comments import data_requests
from moderation.lifecycle import Status
from moderation.outbox import sweeping, webhooks
from moderation.platform.logs import request_id

from .celery_app import SCORING_BATCH, FlaskBatches

log = logging.getLogger(__name__)

# Waits between attempts at a batch the database refused (outage, deadlock): about 30 s
# in all, then the comments stay pending and the sweeper re-enqueues them.
SCORING_RETRY_DELAYS = (0.25, 0.5, 1, 2, 4, 8, 15)


@shared_task(base=FlaskBatches, flush_every=SCORING_BATCH, flush_interval=0.05)
def score_comment(requests: list[SimpleRequest]) -> int:
    """Score the comments of up to ``SCORING_BATCH`` messages, one ``score_comment(id)`` each.

    The message still names one comment (callers, the sweeper and the broker see no
    batches); the worker buffers them for at most 50 ms and decides them together.
    Idempotent: a comment that is no longer pending is left alone. Returns how many
    were decided.

    A comment whose checks raised stays pending for the sweeper; in-process (no
    broker, no sweeper running) it is tried again at once, until it is decided or
    its last allowed failure holds it.
    """
    comments = _comments_of(requests)
    eager = any((request.delivery_info or {}).get("is_eager") for request in requests)
    statuses = _score_batch(comments, eager)
    for _ in range(scoring.MAX_SCORING_FAILURES - 1):
        failed = {comment_id: comments[comment_id] for comment_id, status in statuses.items()
                  if status == Status.PENDING}
        if not eager or not failed:
            break
        statuses |= _score_batch(failed, eager)
    return sum(status != Status.PENDING for status in statuses.values())


def _score_batch(comments: dict[int, str | None], eager: bool) -> dict[int, Status]:
    """``scoring.score_comments``, retried while the database refuses the batch."""
    attempts = iter(SCORING_RETRY_DELAYS)
    while True:
        try:
            return scoring.score_comments(comments, comments)
        except DBAPIError as error:
            delay = next(attempts, None)
            if eager or delay is None:
                raise  # in-process: the request must not wait; the sweeper catches up
            log.warning("scoring a batch of %d failed (%s); retrying in %g s",
                        len(comments), type(error).__name__, delay)
            time.sleep(delay * random.uniform(0.8, 1.2))


def _comments_of(requests: list[SimpleRequest]) -> dict[int, str | None]:
    """Each comment id of the batch, with the id of the request that submitted it.

    A malformed message is skipped (and acknowledged with the batch) rather than
    failing the others; a comment named twice (the sweeper's copy) is scored once.
    """
    comments: dict[int, str | None] = {}
    for request in requests:
        if len(request.args) != 1 or not isinstance(request.args[0], int):
            log.error("score_comment message %s is malformed; skipped", request.id)
            continue
        given = (request.request_dict or {}).get("request_id") or request_id.get()
        if comments.get(request.args[0]) is None:
            comments[request.args[0]] = given
    return comments


@shared_task
def sweep_pending() -> int:
    return sweeping.sweep_pending(current_app.config["SWEEP_AFTER_SECONDS"])


@shared_task
def apply_retention() -> int:
    return data_requests.drop_expired_ip_hashes(current_app.config["IP_RETENTION_DAYS"])


@shared_task(bind=True, max_retries=webhooks.MAX_ATTEMPTS)
def deliver_webhook(self, delivery_id: int) -> str:
    """Retried with exponential backoff on 5xx and network errors; never resent once delivered.

    In-process (no broker) a failure is left pending for the sweeper rather
    than retried inside the request that caused it.
    """
    try:
        return webhooks.deliver(delivery_id)
    except webhooks.DeliveryFailed as failure:
        if self.request.is_eager:
            return "pending"
        delay = min(600, 2 ** (self.request.retries + 1)) * random.uniform(0.8, 1.2)
        raise self.retry(exc=failure, countdown=delay) from failure
