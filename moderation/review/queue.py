"""What moderators read: the queue riskiest first, one comment in full, authors' histories."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import InvalidToken
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..comments.lookup import find_by_public_id
from ..errors import NotFound
from ..extensions import db
from ..lifecycle import Status, moderator_actions
from ..notifications.subscriptions import verified_authors
from ..orm import Comment, StatusChange, Thread
from ..platform.pagination import after, decode_cursor, encode_cursor
from ..privacy import mask_email, privacy
from ..sites import get_site

log = logging.getLogger(__name__)

ORDERS = {
    "risk": ((Comment.risk, Comment.id), (float, int), True),
    "oldest": ((Comment.created_at, Comment.id), (datetime, int), False),
    "newest": ((Comment.created_at, Comment.id), (datetime, int), True),
}


def queue_page(site_id: str, *, status: Status, order: str, limit: int, cursor: str | None,
               thread: str | None = None, reason: str | None = None,
               admin: bool = False) -> dict:
    """A page of the site's comments in ``status``; each lists the actions the reader (an
    admin or not) may take on it, so the review page offers exactly those."""
    get_site(site_id)
    columns, types, descending = ORDERS[order]
    query = (
        select(Comment, Thread)
        .join(Thread, Thread.id == Comment.thread_id)
        .options(joinedload(Comment.parent).load_only(Comment.public_id))  # replies: no N+1
        .where(Comment.site_id == site_id, Comment.status == status)
        .order_by(*(column.desc() if descending else column for column in columns))
        .limit(limit + 1)
    )
    if thread:
        query = query.where(Thread.site_id == site_id, Thread.key == thread)  # uses uq (site, key)
    if reason:
        query = query.where(Comment.decided_by.startswith(reason, autoescape=True))
    if cursor:
        query = query.where(after(columns, decode_cursor(cursor, *types), descending))
    rows = db.session.execute(query).all()
    page = rows[:limit]
    digests = {c.email_digest for c, _ in page if c.email_digest}
    authors = Authors(author_histories(site_id, digests), verified_authors(site_id, digests))
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = encode_cursor(*(getattr(last, column.key) for column in columns))
    return {"comments": [reviewed(comment, authors, admin) for comment, _ in page],
            "next_cursor": next_cursor}


def find_comment(public_id: str) -> Comment:
    comment = find_by_public_id(public_id)
    if comment is None:
        raise NotFound()
    return comment


def comment_detail(comment: Comment, admin: bool = False) -> ReviewedComment:
    """One comment with everything a moderator needs, including its status history."""
    digests = {comment.email_digest} if comment.email_digest else set()
    authors = Authors(author_histories(comment.site_id, digests),
                      verified_authors(comment.site_id, digests))
    history = db.session.scalars(
        select(StatusChange).where(StatusChange.comment_id == comment.id)
        .order_by(StatusChange.id)
    ).all()
    return reviewed(comment, authors, admin, history)


@dataclass(frozen=True)
class Authors:
    """What the page shows of the authors it lists, keyed by email HMAC."""

    histories: dict[str, dict[str, int]]
    verified: set[str]  # confirmed their address (notifications' double opt-in)


def author_histories(site_id: str, digests: set[str]) -> dict[str, dict[str, int]]:
    """Counts by status of each author's comments on the site, keyed by email HMAC."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("approved", "held", "rejected", "spam"), 0))
    if digests:
        rows = db.session.execute(
            select(Comment.email_digest, Comment.status, func.count())
            .where(Comment.site_id == site_id, Comment.email_digest.in_(digests))
            .group_by(Comment.email_digest, Comment.status)
        )
        for digest, status, count in rows:
            if status.value in counts[digest]:
                counts[digest][status.value] = count
    return counts


@dataclass(frozen=True)
class ReviewedComment:
    """A comment as a moderator sees it: the comment itself, and what the review adds to it
    (web/schemas/review.py ReviewComment dumps both)."""

    comment: Comment
    author_email: str | None  # masked
    author_history: dict[str, int] | None
    author_verified: bool
    actions: list[str]  # what this reader may do to it now
    history: Sequence[StatusChange] = ()  # its status changes, oldest first (detail only)


def reviewed(comment: Comment, authors: Authors, admin: bool,
             history: Sequence[StatusChange] = ()) -> ReviewedComment:
    return ReviewedComment(
        comment,
        author_email=_masked_email(comment) if comment.email_ciphertext else None,
        author_history=(authors.histories.get(comment.email_digest)
                        if comment.email_digest else None),
        author_verified=comment.email_digest in authors.verified,
        actions=moderator_actions(comment.status, comment.decided_by, admin),
        history=history)


def _masked_email(comment: Comment) -> str | None:
    """None for an email under a key no longer configured: one such row must not fail a page."""
    try:
        return mask_email(privacy().open_email(comment.email_ciphertext))
    except InvalidToken:
        log.warning("review: the email of comment %s opens with none of EMAIL_ENCRYPTION_KEYS "
                    "(dropped before privacy reencrypt?)", comment.public_id)
        return None
