"""Finding a comment by the opaque id clients hold, and a thread by the key its site uses.

Threads (articles) are created on first comment, keyed by whatever the site uses.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..orm import Comment, Thread

# What ``orm.new_public_id`` makes; anything else (a NUL, which PostgreSQL refuses) cannot exist.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def find_by_public_id(public_id: str) -> Comment | None:
    if not PUBLIC_ID.fullmatch(public_id):
        return None
    return db.session.scalar(select(Comment).where(Comment.public_id == public_id))


def find_thread(site_id: str, key: str) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.site_id == site_id, Thread.key == key))


def get_or_create_thread(site_id: str, key: str, title: str | None = None,
                         url: str | None = None) -> Thread:
    """Safe under concurrency: the unique (site, key) constraint settles a race."""
    thread = find_thread(site_id, key)
    if thread is not None:
        return thread
    try:
        with db.session.begin_nested():
            thread = Thread(site_id=site_id, key=key, title=title, url=url)
            db.session.add(thread)
    except IntegrityError:
        thread = find_thread(site_id, key)
    return thread
