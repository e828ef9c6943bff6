"""The audit trail: every status change on a site, newest first, filterable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..lifecycle import Actor, Role
from ..orm import Comment, StatusChange
from ..platform.pagination import after, decode_cursor, encode_cursor
from ..sites import get_site


def audit_page(site_id: str, *, limit: int, cursor: str | None, moderator: str | None = None,
               comment: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> dict:
    """Each entry a StatusChange with its comment's public id loaded."""
    get_site(site_id)
    query = (
        select(StatusChange)
        .join(StatusChange.comment)
        .options(contains_eager(StatusChange.comment).load_only(Comment.public_id))
        .where(Comment.site_id == site_id)
        .order_by(StatusChange.id.desc())
        .limit(limit + 1)
    )
    if moderator:
        query = query.where(StatusChange.actor == str(Actor(Role.MODERATOR, moderator)))
    if comment:
        query = query.where(Comment.public_id == comment)
    if since:
        query = query.where(StatusChange.created_at >= since)
    if until:
        query = query.where(StatusChange.created_at < until)
    if cursor:
        query = query.where(after((StatusChange.id,), decode_cursor(cursor, int), True))
    changes = db.session.scalars(query).all()
    page = changes[:limit]
    return {"entries": page,
            "next_cursor": encode_cursor(page[-1].id) if len(changes) > limit else None}
