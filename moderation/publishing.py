"""What the widget reads: approved comments of a thread, and counts for article lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from .extensions import db
from .orm import Comment, Thread
from .pagination import after, decode_cursor, encode_cursor
from .sites import get_site
from .status import Status
from .threads import find_thread


@dataclass(frozen=True)
class ThreadPage:
    site: str
    thread: str
    total: int
    comments: list[dict]
    next_cursor: str | None


def thread_etag(site_id: str, key: str, query: dict) -> str:
    """Changes whenever the published set changes: one indexed row read, no list query."""
    get_site(site_id)
    thread = find_thread(site_id, key)
    version = f"{thread.id}.{thread.published_version}" if thread else "none"
    params = f"{query['sort']}.{query['limit']}.{query.get('cursor') or ''}"
    return f"{version}.{hashlib.blake2s(params.encode(), digest_size=6).hexdigest()}"


def approved_page(site_id: str, key: str, *, sort: str, limit: int,
                  cursor: str | None) -> ThreadPage:
    position = decode_cursor(cursor, datetime, int) if cursor else None
    thread = find_thread(site_id, key)
    if thread is None:
        return ThreadPage(site_id, key, 0, [], None)
    parent = aliased(Comment)
    newest = sort == "newest"
    keys = (Comment.created_at, Comment.id)
    query = (
        select(Comment, parent.public_id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .where(Comment.thread_id == thread.id, Comment.status == Status.APPROVED)
        .order_by(*(key.desc() if newest else key for key in keys))
        .limit(limit + 1)
    )
    if position:
        query = query.where(after(keys, position, newest))
    rows = db.session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    comments = [public_comment(comment, parent_id) for comment, parent_id in rows]
    next_cursor = encode_cursor(rows[-1][0].created_at, rows[-1][0].id) if more else None
    return ThreadPage(site_id, key, thread.approved_count, comments, next_cursor)


def approved_counts(site_id: str, keys: list[str]) -> dict[str, int]:
    get_site(site_id)
    found = dict(db.session.execute(
        select(Thread.key, Thread.approved_count)
        .where(Thread.site_id == site_id, Thread.key.in_(keys))
    ).all())
    return {key: found.get(key, 0) for key in keys}


def public_comment(comment: Comment, parent_public_id: str | None) -> dict:
    """The fields anyone may see; never the email, token or IP digests."""
    return {"id": comment.public_id, "parent_id": parent_public_id,
            "author_name": comment.author_name, "author_url": comment.author_url,
            "body_html": comment.body_html, "created_at": comment.created_at}
