"""What the widget reads: approved comments of a thread, and counts for article lists."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from ..extensions import db
from ..orm import Thread
from ..platform.pagination import decode_cursor, encode_cursor
from ..sites import site_policy
from . import store
from .read_caches import Pages, ThreadVersions
from .store import PublishedThread

PAGE_CACHE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ThreadPage:
    site: str
    thread: str
    total: int
    comments: Sequence[Any]  # rows with the public comment's fields (store.approved_rows)
    next_cursor: str | None


def init_app(app: Flask) -> None:
    app.extensions["published_versions"] = ThreadVersions(app.config["PUBLISHED_CACHE_SECONDS"])
    app.extensions["published_pages"] = Pages(PAGE_CACHE_BYTES)


def published_thread(site_id: str, key: str) -> PublishedThread | None:
    """One indexed row read, remembered briefly; ``None`` for a thread nobody commented on.
    Unknown site: 422."""
    site_policy(site_id)
    return current_app.extensions["published_versions"].get(
        (site_id, key), lambda: store.published_thread(site_id, key))


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
    rows = store.approved_rows(thread.id, sort, limit + 1, position)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return ThreadPage(site_id, key, thread.approved_count, rows, next_cursor)


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

