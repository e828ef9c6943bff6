"""Threads (articles) are created on first comment, keyed by whatever the site uses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .orm import Thread


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
