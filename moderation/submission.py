"""Leave A Reply: turn a validated submission into a stored, pending comment.

The comment is committed before the response and scoring is enqueued after
the commit, so a 202 always means the comment is durable.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from .comments import find_by_public_id
from .decisions import record_submission
from .errors import Duplicate, Forbidden, RateLimited, ThreadClosed, ValidationFailed
from .extensions import db
from .metrics import SUBMITTED
from .orm import Comment, Site, utcnow
from .privacy import privacy, token_digest
from .queueing import enqueue_scoring
from .rendering import render_body
from .sites import get_site, origin_allowed
from .status import Status
from .threads import get_or_create_thread


@dataclass(frozen=True)
class Accepted:
    comment: Comment
    author_token: str


def body_digest(body: str) -> str:
    """Duplicates are the same words, whatever the case and spacing."""
    return hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()


def submit_comment(data: dict, *, ip: str | None, origin: str | None) -> Accepted:
    site = get_site(data["site"])
    if origin is not None and not origin_allowed(site, origin):
        raise Forbidden("This origin may not post comments to this site.")
    thread = get_or_create_thread(site.id, data["thread"], data.get("thread_title"),
                                  data.get("thread_url"))
    if thread.closed:
        raise ThreadClosed()
    parent = _reply_target(data.get("parent_id"), thread.id)
    sealed = privacy().seal_email(data["author_email"])
    ip_digest = privacy().ip_digest(ip)
    digest = body_digest(data["body"])
    _check_duplicate(thread.id, sealed.digest, digest)
    _check_flood(site, sealed.digest, ip_digest)

    token = secrets.token_urlsafe(32)
    comment = Comment(
        site_id=site.id, thread_id=thread.id, parent_id=parent.id if parent else None,
        author_name=data["author_name"], author_url=data.get("author_url"),
        email_ciphertext=sealed.ciphertext, email_digest=sealed.digest,
        author_token_digest=token_digest(token), ip_digest=ip_digest,
        body=data["body"], body_digest=digest, body_html=render_body(data["body"]),
        honeypot_filled=bool(data.get("nickname")), status=Status.PENDING,
    )
    db.session.add(comment)
    db.session.flush()
    record_submission(comment)
    comment_id = comment.id
    db.session.commit()
    # In-process scoring may decide it right here; the expired row then reloads the result.
    enqueue_scoring(comment_id)
    SUBMITTED.labels(comment.status.value).inc()
    return Accepted(comment, token)


def _reply_target(parent_public_id: str | None, thread_id: int) -> Comment | None:
    if not parent_public_id:
        return None
    parent = find_by_public_id(parent_public_id)
    if parent is None or parent.thread_id != thread_id or parent.status != Status.APPROVED:
        raise ValidationFailed(
            fields={"parent_id": ["Not a published comment in this thread."]}
        )
    return parent


def _check_flood(site: Site, email_digest: str, ip_digest: str | None) -> None:
    """One comment per flood interval per author, and per address (IP)."""
    interval = site.flood_interval_seconds
    if interval <= 0:
        return
    since = utcnow() - timedelta(seconds=interval)
    same_author = Comment.email_digest == email_digest
    who = or_(same_author, Comment.ip_digest == ip_digest) if ip_digest else same_author
    last = db.session.scalar(
        select(func.max(Comment.created_at)).where(
            Comment.site_id == site.id, Comment.created_at > since, who
        )
    )
    if last is not None:
        wait = interval - (utcnow() - last).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)))


def _check_duplicate(thread_id: int, email_digest: str, digest: str) -> None:
    exists = db.session.scalar(
        select(Comment.id).where(
            Comment.thread_id == thread_id, Comment.email_digest == email_digest,
            Comment.body_digest == digest, Comment.status != Status.DELETED,
        ).limit(1)
    )
    if exists is not None:
        raise Duplicate()
