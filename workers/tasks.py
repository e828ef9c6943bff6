"""Celery tasks. They take ids only: no ORM objects and never personal data cross the broker."""

from __future__ import annotations

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import DBAPIError

from moderation import scoring, sweeping


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
