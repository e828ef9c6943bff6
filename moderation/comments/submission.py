"""Leave A Reply: turn a validated submission into a stored, pending comment.

The comment is committed before the response, so a 202 always means the comment
is durable; the committed pending row is the outbox the relay hands to scoring.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ..errors import Duplicate, Forbidden, RateLimited, ThreadClosed, ValidationFailed
from ..extensions import db
from ..lifecycle import Status
from ..notifications import subscriptions
from ..orm import new_public_id, utcnow
from ..outbox.relay import hand_over
from ..platform.metrics import SUBMITTED
from ..privacy import privacy, token_digest
from ..sites import SitePolicy, origin_allowed, site_policy
from .lookup import get_or_create_thread
from .rendering import render_body
from .store import NewComment, Prior, insert_unless_refused


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
    token, public_id = secrets.token_urlsafe(32), new_public_id()
    comment_id = _write(site, data, NewComment(
        public_id=public_id, site_id=site.id, author_name=data["author_name"],
        author_url=data.get("author_url"), email_ciphertext=sealed.ciphertext,
        email_digest=sealed.digest, author_token_digest=token_digest(token),
        ip_digest=privacy().ip_digest(ip), body=data["body"], body_digest=body_digest(data["body"]),
        body_html=render_body(data["body"]), honeypot_filled=bool(data.get("nickname")),
    ))
    status = hand_over(comment_id)
    if data.get("notify_replies"):
        subscriptions.opt_in(site.id, sealed)
    SUBMITTED.labels(status.value).inc()
    return Accepted(token, public_id, status)


def _write(site: SitePolicy, data: dict, new: NewComment) -> int:
    """The checks and the insert are one statement; only a new thread's first comment takes
    a second, after its thread is created."""
    flood = site.flood_interval_seconds > 0
    since = utcnow() - timedelta(seconds=site.flood_interval_seconds) if flood else None
    parent = data.get("parent_id") or None
    prior = insert_unless_refused(new, data["thread"], parent, since)
    if prior.comment_id is None:
        _refuse(site, prior, replying=parent is not None)
        _new_thread(site.id, data)  # nothing refused it: its thread is new
        prior = insert_unless_refused(new, data["thread"], parent, since)
        _refuse(site, prior, replying=parent is not None)
    return prior.comment_id


def _refuse(site: SitePolicy, prior: Prior, *, replying: bool) -> None:
    """Why the comment was not written, if the checks say so, in the order a reader should
    hear it."""
    if prior.thread_closed:
        raise ThreadClosed()
    if replying and prior.parent_id is None:
        raise ValidationFailed(fields={"parent_id": ["Not a published comment in this thread."]})
    if prior.duplicate:
        raise Duplicate()
    if prior.last_from_address is not None:
        wait = site.flood_interval_seconds - (utcnow() - prior.last_from_address).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)))


def _new_thread(site_id: str, data: dict) -> None:
    """The first comment's thread, committed before the comment is written beside it."""
    get_or_create_thread(site_id, data["thread"], data.get("thread_title"),
                         data.get("thread_url"))
    db.session.commit()
