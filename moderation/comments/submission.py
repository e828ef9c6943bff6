"""Leave A Reply: turn a validated submission into a stored, pending comment.

The comment is committed before the response, so a 202 always means the comment
is durable; the committed pending row is the outbox the relay hands to scoring.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..errors import Duplicate, Forbidden, RateLimited, ThreadClosed, ValidationFailed
from ..extensions import db
from ..lifecycle import Status
from ..notifications import subscriptions
from ..orm import Comment, new_public_id, utcnow
from ..outbox.relay import hand_over
from ..platform.metrics import SUBMITTED
from ..privacy import privacy, token_digest
from ..sites import SitePolicy, origin_allowed, site_policy
from .lookup import find_by_public_id, get_or_create_thread
from .rendering import render_body
from .store import NewComment, Prior, insert_comment, read_prior


@dataclass(frozen=True)
class Accepted:
    """What the 202 says."""

    author_token: str
    public_id: str
    status: Status


def body_digest(body: str) -> str:
    """Duplicates are the same words from the same address, whatever the case and spacing."""
    return hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()


def submit_comment(data: dict, *, ip: str | None, origin: str | None) -> Accepted:
    site = site_policy(data["site"])
    if origin is not None and not origin_allowed(site, origin):
        raise Forbidden("This origin may not post comments to this site.")
    sealed = privacy().seal_email(data["author_email"])
    ip_digest = privacy().ip_digest(ip)
    digest = body_digest(data["body"])
    prior = _read_prior(site, data["thread"], digest, ip_digest)
    if prior.thread_closed:
        raise ThreadClosed()
    parent = _reply_target(data.get("parent_id"), prior.thread_id)
    if prior.duplicate:
        raise Duplicate()
    _check_flood(site, prior.last_from_address)
    thread_id = prior.thread_id or _new_thread(site.id, data)

    token, public_id = secrets.token_urlsafe(32), new_public_id()
    comment_id = insert_comment(NewComment(
        public_id=public_id, site_id=site.id, thread_id=thread_id,
        parent_id=parent.id if parent else None, author_name=data["author_name"],
        author_url=data.get("author_url"), email_ciphertext=sealed.ciphertext,
        email_digest=sealed.digest, author_token_digest=token_digest(token),
        ip_digest=ip_digest, body=data["body"], body_digest=digest,
        body_html=render_body(data["body"]), honeypot_filled=bool(data.get("nickname")),
    ))
    status = hand_over(comment_id)
    if data.get("notify_replies"):
        subscriptions.opt_in(site.id, sealed)
    SUBMITTED.labels(status.value).inc()
    return Accepted(token, public_id, status)


def _new_thread(site_id: str, data: dict) -> int:
    """The first comment's thread, committed before the comment is written beside it."""
    thread_id = get_or_create_thread(site_id, data["thread"], data.get("thread_title"),
                                     data.get("thread_url")).id
    db.session.commit()
    return thread_id


def _read_prior(site: SitePolicy, key: str, digest: str, ip_digest: str | None) -> Prior:
    """The thread, the duplicate check and the flood check: one round trip, not three."""
    flood = site.flood_interval_seconds > 0
    since = utcnow() - timedelta(seconds=site.flood_interval_seconds) if flood else None
    return read_prior(site.id, key, digest, ip_digest, since)


def _reply_target(parent_public_id: str | None, thread_id: int | None) -> Comment | None:
    if not parent_public_id:
        return None
    parent = find_by_public_id(parent_public_id)
    if parent is None or parent.thread_id != thread_id or parent.status != Status.APPROVED:
        raise ValidationFailed(
            fields={"parent_id": ["Not a published comment in this thread."]}
        )
    return parent


def _check_flood(site: SitePolicy, last: datetime | None) -> None:
    """One comment per flood interval per address (IP)."""
    if last is not None:
        wait = site.flood_interval_seconds - (utcnow() - last).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)))
