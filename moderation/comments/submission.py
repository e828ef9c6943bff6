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

from sqlalchemy import bindparam, exists, func, insert, literal, null, select

from ..errors import Duplicate, Forbidden, RateLimited, ThreadClosed, ValidationFailed
from ..extensions import db
from ..lifecycle import Role, Status
from ..notifications import subscriptions
from ..orm import Comment, StatusChange, Thread, new_public_id, utcnow
from ..outbox.relay import hand_over
from ..platform.database import autocommit
from ..platform.metrics import SUBMITTED
from ..privacy import privacy, token_digest
from ..sites import SitePolicy, origin_allowed, site_policy
from .lookup import find_by_public_id, get_or_create_thread
from .rendering import render_body


@dataclass(frozen=True)
class Accepted:
    """What the 202 says."""

    author_token: str
    public_id: str
    status: Status


@dataclass(frozen=True)
class _Prior:
    """What must be known before accepting, read in one query."""

    thread_id: int | None
    thread_closed: bool
    duplicate: bool
    last_from_address: datetime | None  # within the site's flood interval


# Built once (a statement this size costs more to build than to run). The duplicate and flood
# checks go by the address (the keyed IP digest), never by the email: an answer that depended
# on the email would tell anyone who guesses an address whether it wrote a comment (audit
# F-02). A NULL ip_digest matches nothing.
_threads, _comments = Thread.__table__, Comment.__table__
_THREAD = (_threads.c.site_id == bindparam("site_id"), _threads.c.key == bindparam("key"))
_THREAD_ID = select(_threads.c.id).where(*_THREAD).scalar_subquery()
_DUPLICATE = exists().where(
    _comments.c.thread_id == _THREAD_ID, _comments.c.body_digest == bindparam("body_digest"),
    _comments.c.ip_digest == bindparam("ip_digest"), _comments.c.status != Status.DELETED)
_LAST_FROM_ADDRESS = select(func.max(_comments.c.created_at)).where(
    _comments.c.site_id == bindparam("site_id"), _comments.c.created_at > bindparam("since"),
    _comments.c.ip_digest == bindparam("ip_digest"),
).scalar_subquery()
_PRIOR = select(_THREAD_ID, select(_threads.c.closed).where(*_THREAD).scalar_subquery(),
                _DUPLICATE)
_PRIOR_WITH_FLOOD = _PRIOR.add_columns(_LAST_FROM_ADDRESS)
_PRIOR = _PRIOR.add_columns(null())

# The new comment and its first log entry. Named parameters (``new_<column>``), each of its
# column's type, so one prepared statement serves every submission; the other columns get
# the table's defaults (pending, version 1, created now...).
_changes = StatusChange.__table__
_SUBMITTED = ("public_id", "site_id", "thread_id", "parent_id", "author_name", "author_url",
              "email_ciphertext", "email_digest", "author_token_digest", "ip_digest", "body",
              "body_digest", "body_html", "honeypot_filled")
_NEW_COMMENT = insert(_comments).values({
    name: bindparam(f"new_{name}", type_=_comments.c[name].type) for name in _SUBMITTED
}).returning(_comments.c.id, _comments.c.site_id, _comments.c.created_at)
_ENTRY = {"from_status": None, "to_status": Status.PENDING.value, "actor": str(Role.SUBMISSION)}
_new = _NEW_COMMENT.cte("new_comment")
_NEW_COMMENT_WITH_ENTRY = insert(_changes).from_select(
    ["comment_id", "site_id", "comment_created_at", "from_status", "to_status", "actor",
     "created_at"],
    select(_new.c.id, _new.c.site_id, _new.c.created_at, null(),
           literal(_ENTRY["to_status"]), literal(_ENTRY["actor"]), _new.c.created_at),
).returning(_changes.c.comment_id)


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
    comment_id = _store({
        "public_id": public_id, "site_id": site.id, "thread_id": thread_id,
        "parent_id": parent.id if parent else None, "author_name": data["author_name"],
        "author_url": data.get("author_url"), "email_ciphertext": sealed.ciphertext,
        "email_digest": sealed.digest, "author_token_digest": token_digest(token),
        "ip_digest": ip_digest, "body": data["body"], "body_digest": digest,
        "body_html": render_body(data["body"]), "honeypot_filled": bool(data.get("nickname")),
    })
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


def _store(comment: dict) -> int:
    """Write the comment and its first log entry (pending, by "submission") atomically.

    Core statements, not the ORM, on a connection of their own: on PostgreSQL one
    data-modifying CTE in autocommit, so a single round trip with no BEGIN or COMMIT;
    SQLite has no DML in a CTE, so two statements in one transaction there.
    """
    params = {f"new_{name}": value for name, value in comment.items()}
    if db.engine.dialect.name == "postgresql":
        with autocommit() as connection:
            return connection.execute(_NEW_COMMENT_WITH_ENTRY, params).scalar_one()
    with db.engine.begin() as connection:
        new = connection.execute(_NEW_COMMENT, params).one()
        connection.execute(insert(_changes), {
            "comment_id": new.id, "site_id": new.site_id, "comment_created_at": new.created_at,
            "created_at": new.created_at, **_ENTRY})
    return new.id


def _read_prior(site: SitePolicy, key: str, digest: str, ip_digest: str | None) -> _Prior:
    """The thread, the duplicate check and the flood check: one round trip, not three."""
    flood = site.flood_interval_seconds > 0
    since = utcnow() - timedelta(seconds=site.flood_interval_seconds) if flood else None
    with autocommit() as connection:
        row = connection.execute(_PRIOR_WITH_FLOOD if flood else _PRIOR, {
            "site_id": site.id, "key": key, "body_digest": digest, "ip_digest": ip_digest,
            "since": since}).one()
    return _Prior(row[0], bool(row[1]), bool(row[2]), row[3])


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
