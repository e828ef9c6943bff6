"""What the widget reads: approved comments of a thread, and counts for article lists."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import Flask, current_app
from sqlalchemy import bindparam, select

from ..extensions import db
from ..lifecycle import Status
from ..orm import Comment, Thread
from ..platform.database import autocommit
from ..platform.pagination import after, decode_cursor, encode_cursor
from ..sites import site_policy
from .read_caches import Pages, ThreadVersions

# Core statements over the tables, built once: a read needs a few columns, not ORM objects.
_comments, _threads = Comment.__table__, Thread.__table__
_parents = _comments.alias("parent")
_THREAD = select(_threads.c.id, _threads.c.published_version, _threads.c.approved_count).where(
    _threads.c.site_id == bindparam("site_id"), _threads.c.key == bindparam("key"))
_APPROVED = (
    select(_comments.c.id, _comments.c.public_id, _parents.c.public_id.label("parent_public_id"),
           _comments.c.author_name, _comments.c.author_url, _comments.c.body_html,
           _comments.c.created_at)
    .select_from(_comments.outerjoin(_parents, _parents.c.id == _comments.c.parent_id))
    .where(_comments.c.thread_id == bindparam("thread_id"),
           _comments.c.status == Status.APPROVED)
)
_KEYS = (_comments.c.created_at, _comments.c.id)
_PAGES = {sort: _APPROVED.order_by(*(key.desc() if sort == "newest" else key for key in _KEYS))
          .limit(bindparam("limit")) for sort in ("oldest", "newest")}
PAGE_CACHE_BYTES = 16 * 1024 * 1024


class PublishedThread(NamedTuple):
    """A thread's identity and the version of its published list (bumped on every change)."""

    id: int
    published_version: int
    approved_count: int


@dataclass(frozen=True)
class ThreadPage:
    site: str
    thread: str
    total: int
    comments: list[dict]
    next_cursor: str | None


def init_app(app: Flask) -> None:
    app.extensions["published_versions"] = ThreadVersions(app.config["PUBLISHED_CACHE_SECONDS"])
    app.extensions["published_pages"] = Pages(PAGE_CACHE_BYTES)


def published_thread(site_id: str, key: str) -> PublishedThread | None:
    """One indexed row read, remembered briefly; ``None`` for a thread nobody commented on.
    Unknown site: 422."""
    site_policy(site_id)

    def read() -> PublishedThread | None:
        with autocommit() as connection:
            row = connection.execute(_THREAD, {"site_id": site_id, "key": key}).first()
        return PublishedThread(*row) if row else None

    return current_app.extensions["published_versions"].get((site_id, key), read)


def forget_published_versions() -> None:
    """After this process committed a republish: its own readers see it at once."""
    current_app.extensions["published_versions"].forget_all()


def thread_etag(thread: PublishedThread | None, query: dict) -> str:
    """Changes whenever the published set changes, and with the page asked for."""
    version = f"{thread.id}.{thread.published_version}" if thread else "none"
    params = f"{query['sort']}.{query['limit']}.{query.get('cursor') or ''}"
    return f"{version}.{hashlib.blake2s(params.encode(), digest_size=6).hexdigest()}"


def approved_page(site_id: str, key: str, thread: PublishedThread | None, *, sort: str,
                  limit: int, cursor: str | None) -> ThreadPage:
    position = decode_cursor(cursor, datetime, int) if cursor else None
    if thread is None:
        return ThreadPage(site_id, key, 0, [], None)
    query = _PAGES[sort]
    if position:
        query = query.where(after(_KEYS, position, sort == "newest"))
    with autocommit() as connection:
        rows = connection.execute(query, {"thread_id": thread.id, "limit": limit + 1}).all()
    more = len(rows) > limit
    rows = rows[:limit]
    comments = [{"id": row.public_id, "parent_id": row.parent_public_id,
                 "author_name": row.author_name, "author_url": row.author_url,
                 "body_html": row.body_html, "created_at": row.created_at} for row in rows]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return ThreadPage(site_id, key, thread.approved_count, comments, next_cursor)


def cached_page(site_id: str, key: str, etag: str, render: Callable[[], bytes]) -> bytes:
    """The serialised page of this ETag, rendered once per process and list version.

    The ETag names the thread's ``published_version``, which every change to what the
    page shows bumps (decisions, edits, deletions, erasure), in whichever process made it.
    """
    return current_app.extensions["published_pages"].get((site_id, key, etag), render)


def approved_counts(site_id: str, keys: list[str]) -> dict[str, int]:
    site_policy(site_id)
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
