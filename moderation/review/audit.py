"""The audit trail: every status change on a site, newest first, filterable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..lifecycle import Actor, Role
from ..orm import Comment, StatusChange
from ..platform.pagination import after, decode_cursor, encode_cursor
from ..sites import get_site


def audit_page(site_id: str, *, limit: int, cursor: str | None, moderator: str | None = None,
               comment: str | None = None, since: datetime | None = None,
               until: datetime | None = None) -> dict:
    get_site(site_id)
    query = (
        select(StatusChange, Comment.public_id)
        .join(Comment, Comment.id == StatusChange.comment_id)
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
    rows = db.session.execute(query).all()
    page = rows[:limit]
    return {
        "entries": [{"comment_id": public_id, "from_status": change.from_status,
                     "to_status": change.to_status, "actor": change.actor,
                     "reason": change.reason, "at": change.created_at}
                    for change, public_id in page],
        "next_cursor": encode_cursor(page[-1][0].id) if len(rows) > limit else None,
    }
