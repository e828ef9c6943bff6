"""Publish again work left behind: comments whose claim aged, deliveries never attempted,
subscribers' mail owed by now.

The relay does the same for comments on every pass; beat runs this as well,
so a deployment without a running relay still catches up. Both jobs are
idempotent, so publishing twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..notifications import due
from ..orm import WebhookDelivery, utcnow
from .queueing import DELIVER_WEBHOOK, publish
from .relay import publish_all_pending

BATCH = 1000


def sweep_pending(older_than_seconds: int) -> int:
    """Publish pending comments claimed that long ago (or never), deliveries never
    attempted and the mail owed by now; returns how many were published."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    # Deliveries in retry wait in the broker; only never-attempted ones can be lost.
    deliveries = db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.state == "pending", WebhookDelivery.attempts == 0,
        WebhookDelivery.created_at <= cutoff,
    ).order_by(WebhookDelivery.created_at).limit(BATCH)).all()
    db.session.rollback()
    return (publish_all_pending(claim_age=older_than_seconds)
            + sum(bool(publish(DELIVER_WEBHOOK, delivery_id)) for delivery_id in deliveries)
            + due.publish_due())
