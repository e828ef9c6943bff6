"""Celery tasks. They take ids only: no ORM objects and never personal data cross the broker."""

from __future__ import annotations

import random

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import DBAPIError

from moderation import privacy_requests, scoring, sweeping, webhooks


@shared_task(
    autoretry_for=(DBAPIError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=10,
)
def score_comment(comment_id: int) -> str | None:
    """Idempotent: a comment that is no longer pending is left alone."""
    status = scoring.score_comment(comment_id)
    return status.value if status else None


@shared_task
def sweep_pending() -> int:
    return sweeping.sweep_pending(current_app.config["SWEEP_AFTER_SECONDS"])


@shared_task
def apply_retention() -> int:
    return privacy_requests.drop_expired_ip_hashes(current_app.config["IP_RETENTION_DAYS"])


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
