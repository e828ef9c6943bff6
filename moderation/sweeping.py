"""Re-enqueue comments left pending: accepted while the broker was down, or lost by a worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .extensions import db
from .orm import Comment, utcnow
from .queueing import enqueue_scoring
from .status import Status

BATCH = 1000


def sweep_pending(older_than_seconds: int) -> int:
    """Enqueue up to one batch of stale pending comments; returns how many were enqueued."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    ids = db.session.scalars(
        select(Comment.id)
        .where(Comment.status == Status.PENDING, Comment.created_at <= cutoff)
        .order_by(Comment.created_at)
        .limit(BATCH)
    ).all()
    db.session.rollback()
    return sum(enqueue_scoring(comment_id) for comment_id in ids)
