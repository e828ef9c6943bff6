"""Data-subject requests (GDPR): export everything held about an address, or erase it.

The address is looked up by its HMAC, so no index of plaintext emails is
needed; logs record counts, never the address.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..lifecycle import ACTIONS, Actor, Role, Status
from ..orm import Ban, Comment, Site, StatusChange, Subscription, utcnow
from ..outbox import webhooks
from ..privacy import privacy
from ..scoring.checks.base import without_quotes
from ..sites import drop_moderator_email, sites_moderated_by
from .changes import change_status, republish_threads

log = logging.getLogger(__name__)

ANONYMOUS = "Anonymous"

ERASURE = str(Actor(Role.PRIVACY, "erasure"))


def _comments_of(email: str, *options) -> list[Comment]:
    digest = privacy().email_digest(email)
    return list(db.session.scalars(
        select(Comment).where(Comment.email_digest == digest).order_by(Comment.created_at)
        .options(*options)))


@dataclass(frozen=True)
class ExportedComment:
    comment: Comment
    author_email: str  # decrypted: the export is for the address's owner
    ip_address_hash_kept: bool  # until retention drops it


@dataclass(frozen=True)
class AuthorData:
    """Everything stored about one address (cli/schemas.py AuthorExport prints it)."""

    comments: list[ExportedComment]
    bans: list[Ban]
    subscriptions: list[Subscription]
    moderator_digests: list[str]  # the sites whose digests it receives


def export_author(email: str) -> AuthorData:
    """Everything stored about ``email``, decrypted, for the person who asked."""
    digest = privacy().email_digest(email)
    comments = _comments_of(email, joinedload(Comment.thread))
    return AuthorData(
        comments=[ExportedComment(c, privacy().open_email(c.email_ciphertext),
                                  ip_address_hash_kept=c.ip_digest is not None)
                  for c in comments],
        bans=db.session.scalars(select(Ban).where(Ban.email_digest == digest)).all(),
        subscriptions=db.session.scalars(
            select(Subscription).where(Subscription.email_digest == digest)).all(),
        moderator_digests=[site.id for site in sites_moderated_by(email)])


def erase_author(email: str) -> int:
    """Remove the address and its hashes everywhere; anonymise or delete comments per site.

    The personal fields go first, so nothing recorded afterwards (status log, webhook
    events) can copy them. Sites hear of each erased comment (``comment.deleted``, or
    ``comment.anonymised`` for a mirror to drop the name), with its ids and status only.
    """
    digest = privacy().email_digest(email)
    comments = _comments_of(email)
    modes = dict(db.session.execute(select(Site.id, Site.erasure_mode)).all())
    _redact_status_log(comments)
    for comment in comments:
        _forget_author(comment, delete=modes[comment.site_id] == "delete")
    republished: dict[int, int] = {}
    for comment in comments:
        if modes[comment.site_id] == "delete":
            if comment.status in ACTIONS["erase"].sources:
                change_status(comment, Status.DELETED, actor=ERASURE,
                              reason="erased at the author's request", republished=republished)
        elif comment.status != Status.DELETED:
            webhooks.record_event(comment, comment.status, webhooks.ANONYMISED)
    for comment in comments:  # cached lists must not keep showing the erased name
        if comment.status == Status.APPROVED:
            republished.setdefault(comment.thread_id, 0)
    republish_threads(republished)
    db.session.execute(delete(Ban).where(Ban.email_digest == digest))
    db.session.execute(delete(Subscription).where(Subscription.email_digest == digest))
    for site in sites_moderated_by(email):
        drop_moderator_email(site, email)
    db.session.commit()
    log.info("privacy erasure: %d comments anonymised or deleted", len(comments))
    return len(comments)


def _forget_author(comment: Comment, *, delete: bool) -> None:
    """Blank who wrote it; with ``delete`` also what it said, and the words picked from it."""
    comment.author_name, comment.author_url = ANONYMOUS, None
    comment.email_ciphertext = comment.email_digest = comment.ip_digest = None
    comment.body_digest = ""  # unkeyed: anyone holding the text could match it
    if delete:
        comment.body = comment.body_html = ""
        comment.reasons = without_quotes(comment.reasons)


def _redact_status_log(comments: list[Comment]) -> None:
    """A moderator's reason may name the author: the name gives way to ``ANONYMOUS``."""
    names = {c.id: re.compile(rf"(?<!\w){re.escape(c.author_name)}(?!\w)", re.IGNORECASE)
             for c in comments}
    changes = db.session.scalars(select(StatusChange).where(
        StatusChange.comment_id.in_(names), StatusChange.reason.is_not(None)))
    for change in changes:
        change.reason = names[change.comment_id].sub(ANONYMOUS, change.reason)


def drop_expired_ip_hashes(days: int) -> int:
    """Retention: IP hashes serve flood control only, so they go after ``days``."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        update(Comment).where(Comment.created_at < cutoff, Comment.ip_digest.is_not(None))
        .values(ip_digest=None).execution_options(synchronize_session=False))
    db.session.commit()
    log.info("retention: dropped IP hashes of %d comments older than %d days",
             result.rowcount, days)
    return result.rowcount
