"""Moderator decisions as training labels: the best data the models will ever get.

A comment's label is its latest moderator decision: approved means no model's
label; a model's own verdict (``models/registry.py``) means its label: spam means
spam, rejected means toxic (moderators reject for abuse; spam has its own
decision). Decisions made by checks or models are not labels: learning from
them would only teach the models themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from models import registry

from ..extensions import db
from ..lifecycle import Actor, Role, Status
from ..orm import Comment, StatusChange


def training_labels() -> dict[Status, dict[str, int]]:
    """What each labelling decision teaches: 0 or 1 per declared model's label field."""
    taught = {Status.APPROVED, *(Status(m.thresholds.verdict) for m in registry.MODELS)}
    return {status: {m.label: int(status == m.thresholds.verdict) for m in registry.MODELS}
            for status in taught}


def moderator_labels() -> Iterator[dict]:
    """One ``{"id", "site", "text", "spam", "toxic", "moderator", "at"}`` per decided comment
    (a field per declared model's label)."""
    labels = training_labels()
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.actor.startswith(f"{Role.MODERATOR}:"))
        .group_by(StatusChange.comment_id)
    )
    rows = db.session.execute(
        select(StatusChange, Comment)
        .join(Comment, Comment.id == StatusChange.comment_id)
        .where(StatusChange.id.in_(latest), StatusChange.to_status.in_(labels),
               Comment.body != "")
        .order_by(StatusChange.id)
    )
    for change, comment in rows:
        yield {"id": comment.public_id, "site": comment.site_id, "text": comment.body,
               **labels[Status(change.to_status)], "moderator": Actor.parse(change.actor).name,
               "at": change.created_at.isoformat()}
