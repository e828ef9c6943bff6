"""Re-enqueue work left behind: accepted while the broker was down, or lost by a worker.

Comments still pending and webhook deliveries never attempted are enqueued
again; both tasks are idempotent, so enqueueing twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, select

from ..extensions import db
from ..lifecycle import Status
from ..orm import Comment, WebhookDelivery, utcnow
from .queueing import enqueue_scoring, enqueue_webhook

BATCH = 1000


def sweep_pending(older_than_seconds: int) -> int:
    """Enqueue up to one batch of each; returns how many were enqueued."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    comments = _ids(select(Comment.id).where(
        Comment.status == Status.PENDING, Comment.created_at <= cutoff
    ).order_by(Comment.created_at))
    # Deliveries in retry wait in the broker; only never-attempted ones can be lost.
    deliveries = _ids(select(WebhookDelivery.id).where(
        WebhookDelivery.state == "pending", WebhookDelivery.attempts == 0,
        WebhookDelivery.created_at <= cutoff,
    ).order_by(WebhookDelivery.created_at))
    return (sum(enqueue_scoring(comment_id) for comment_id in comments)
            + sum(enqueue_webhook(delivery_id) for delivery_id in deliveries))


def _ids(query: Select) -> list[int]:
    ids = db.session.scalars(query.limit(BATCH)).all()
    db.session.rollback()
    return list(ids)
