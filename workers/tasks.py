"""Celery tasks. They take ids only: no ORM objects and never personal data cross the broker."""

from __future__ import annotations

import logging
import random
import smtplib
import time

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import DBAPIError

from moderation import scoring
from moderation.comments import data_requests
from moderation.lifecycle import Status
from moderation.notifications import digest, replies, subscriptions
from moderation.outbox import sweeping, webhooks

log = logging.getLogger(__name__)

# Waits between attempts at a batch the database refused (outage, deadlock): about 30 s
# in all, then the comments stay pending and the relay publishes them again.
SCORING_RETRY_DELAYS = (0.25, 0.5, 1, 2, 4, 8, 15)
# Mail: waits of 4 s doubling to 128 s, then the job is dropped (the reply stays untold).
MAIL_ATTEMPTS = 6


@shared_task
def score_comments(comment_ids: list[int]) -> int:
    """Decide the relay's batch of comment ids together; returns how many were decided.

    A plain task taking a list (the relay already batches), not celery-batches, whose
    flush timer did not survive a broker reconnect. Idempotent: a comment no longer
    pending is left alone. A comment whose checks raised stays pending; the relay
    publishes it again once its claim ages, and its third failure holds it.
    """
    ids = [comment_id for comment_id in comment_ids if isinstance(comment_id, int)]
    if len(ids) != len(comment_ids):
        log.error("score_comments message with %d malformed ids; skipped them",
                  len(comment_ids) - len(ids))
    attempts = iter(SCORING_RETRY_DELAYS)
    while True:
        try:
            statuses = scoring.score_comments(ids)
            return sum(status != Status.PENDING for status in statuses.values())
        except DBAPIError as error:
            delay = next(attempts, None)
            if delay is None:
                raise
            log.warning("scoring a batch of %d failed (%s); retrying in %g s",
                        len(ids), type(error).__name__, delay)
            time.sleep(delay * random.uniform(0.8, 1.2))


@shared_task
def sweep_pending() -> int:
    return sweeping.sweep_pending(current_app.config["SWEEP_AFTER_SECONDS"])


@shared_task
def apply_retention() -> int:
    return data_requests.drop_expired_ip_hashes(current_app.config["IP_RETENTION_DAYS"])


@shared_task(bind=True, max_retries=webhooks.MAX_ATTEMPTS)
def deliver_webhook(self, delivery_id: int) -> str:
    """Retried with exponential backoff on 5xx and network errors; never resent once delivered."""
    try:
        return webhooks.deliver(delivery_id)
    except webhooks.DeliveryFailed as failure:
        delay = min(600, 2 ** (self.request.retries + 1)) * random.uniform(0.8, 1.2)
        raise self.retry(exc=failure, countdown=delay) from failure


@shared_task(bind=True, max_retries=MAIL_ATTEMPTS)
def send_confirmation(self, subscription_id: int) -> bool:
    """The double opt-in email."""
    return _sending(self, subscriptions.send_confirmation, subscription_id)


@shared_task(bind=True, max_retries=MAIL_ATTEMPTS)
def send_reply_notifications(self, subscription_id: int) -> float:
    """One email of the replies published since the last; within the batch time of the
    last email, the replies are owed for when it ends and the relay publishes this again
    then (the burst is one email)."""
    return _sending(self, replies.send_notifications, subscription_id)


@shared_task
def send_moderator_digests() -> int:
    """Beat's: the digests due (a failed one is tried again at the next tick)."""
    return digest.send_due_digests()


class MailNotSent(Exception):
    """An SMTP or network error by its type alone: its message may name the recipient
    (SMTPRecipientsRefused does), and Celery logs the exception of every retry."""


def _sending(task, send, subscription_id: int):
    """SMTP and network errors retry with exponential backoff (raised outside the except
    block, so no traceback chains the original error either)."""
    try:
        return send(subscription_id)
    except (smtplib.SMTPException, OSError) as failure:
        refused = MailNotSent(type(failure).__name__)
    raise task.retry(exc=refused, countdown=min(600, 2 ** (task.request.retries + 2)))
