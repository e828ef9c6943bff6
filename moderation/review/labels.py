"""Moderator decisions as training labels: the best data the models will ever get.

A comment's label is its latest moderator decision: approved means neither
spam nor toxic; spam means spam; rejected means toxic (moderators reject for
abuse; spam has its own decision). Decisions made by checks or models are
not labels: learning from them would only teach the models themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from ..extensions import db
from ..lifecycle import TRAINING_LABELS, Actor, Role, Status
from ..orm import Comment, StatusChange


def moderator_labels() -> Iterator[dict]:
    """One ``{"id", "site", "text", "spam", "toxic", "moderator", "at"}`` per decided comment."""
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.actor.startswith(f"{Role.MODERATOR}:"))
        .group_by(StatusChange.comment_id)
    )
    rows = db.session.execute(
        select(StatusChange, Comment)
        .join(Comment, Comment.id == StatusChange.comment_id)
        .where(StatusChange.id.in_(latest), StatusChange.to_status.in_(TRAINING_LABELS),
               Comment.body != "")
        .order_by(StatusChange.id)
    )
    for change, comment in rows:
        spam, toxic = TRAINING_LABELS[Status(change.to_status)]
        yield {"id": comment.public_id, "site": comment.site_id, "text": comment.body,
               "spam": spam, "toxic": toxic, "moderator": Actor.parse(change.actor).name,
               "at": change.created_at.isoformat()}
