"""The moderators' digest: a site's moderators hear when its held queue waits or grows.

A site with moderator addresses is due one once its oldest held comment is older than
``digest_held_age_seconds`` or ``digest_held_count`` comments are held; at most one per
``digest_interval_seconds``, recorded in ``digest_sent_at``, so beat's ticks while the
queue stays long send nothing more. It says counts, the oldest's age and the review
page's link: nothing of any author (no name, no address), and each moderator gets a
copy of their own, so none learns the others' addresses.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, type_coerce, update

from ..extensions import db
from ..lifecycle import Status
from ..orm import Comment, Site, UTCDateTime, utcnow
from ..sites import moderator_emails
from . import mail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queue:
    held: int
    pending: int
    oldest_held: datetime | None


def send_due_digests() -> int:
    """Send every site's digest that is due (beat's job); returns how many sites'. One
    SMTP refused is logged and tried again at the next run; the other sites still get theirs."""
    site_ids = db.session.scalars(select(Site.id).where(
        Site.moderator_emails_ciphertext.is_not(None)).order_by(Site.id)).all()
    sent = 0
    for site_id in site_ids:
        try:
            sent += send_digest(site_id)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("digest of site %s not sent: %s", site_id, type(error).__name__)
    return sent


def send_digest(site_id: str) -> bool:
    """The site's digest if due and not sent within its interval; True if sent. Sent means
    at least one moderator got it: retrying would send the others a second copy, so a copy
    refused alone waits for the next interval's digest; refused for all, the next run retries."""
    site = db.session.get(Site, site_id)
    now = utcnow()
    queue = queue_of(site_id)
    if not (site and site.moderator_emails_ciphertext and _due(site, queue, now)):
        db.session.rollback()
        return False
    last = site.digest_sent_at
    if not _stamp(site_id, was=last, now=now):  # another run sent it meanwhile
        return False
    delivered, refused = 0, None
    for address in moderator_emails(site):
        try:
            mail.deliver(_digest(site, queue, now, address))
            delivered += 1
        except (smtplib.SMTPException, OSError) as error:  # this copy only: the others stand
            refused = error
    if refused is None:
        return True
    if delivered:  # resending would repeat the delivered copies: the next interval's digest
        log.warning("a digest copy of site %s not sent: %s", site_id, type(refused).__name__)
        return True
    _stamp(site_id, was=now, now=last)  # nobody got it: the next run tries again
    raise refused


def queue_of(site_id: str) -> Queue:
    held = Comment.status == Status.HELD
    held_count, pending, oldest = db.session.execute(select(
        func.count().filter(held), func.count().filter(Comment.status == Status.PENDING),
        type_coerce(func.min(Comment.created_at).filter(held), UTCDateTime),
    ).where(Comment.site_id == site_id,
            Comment.status.in_((Status.HELD, Status.PENDING)))).one()
    return Queue(held_count, pending, oldest)


def _due(site: Site, queue: Queue, now: datetime) -> bool:
    if queue.held == 0:
        return False
    if site.digest_sent_at and now - site.digest_sent_at < timedelta(
            seconds=site.digest_interval_seconds):
        return False
    return (queue.held >= site.digest_held_count
            or now - queue.oldest_held >= timedelta(seconds=site.digest_held_age_seconds))


def _stamp(site_id: str, was: datetime | None, now: datetime | None) -> bool:
    """Compare-and-set ``digest_sent_at``: two runs at once send one digest."""
    current = Site.digest_sent_at.is_(None) if was is None else Site.digest_sent_at == was
    stamped = db.session.execute(update(Site).where(Site.id == site_id, current)
                                 .values(digest_sent_at=now)).rowcount
    db.session.commit()
    return bool(stamped)


def _digest(site: Site, queue: Queue, now: datetime, address: str):
    base = current_app.config["PUBLIC_BASE_URL"]
    return mail.compose(
        address, f"{_count(queue.held, 'comment')} held for review on {site.name}", "digest",
        sender=site.mail_from, site_name=site.name, held=queue.held, pending=queue.pending,
        oldest_age=_duration(now - queue.oldest_held) if queue.oldest_held else "",
        review_url=f"{base}/moderate/?site={site.id}",
        interval=_duration(timedelta(seconds=site.digest_interval_seconds)))


def _duration(span: timedelta) -> str:
    """``3 hours``, ``1 day``, ``12 minutes``: the largest whole unit, rounded down."""
    seconds = int(span.total_seconds())
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            return _count(seconds // length, unit)
    return "less than a minute"


def _count(number: int, noun: str) -> str:
    """``1 comment``, ``3 comments``."""
    return f"{number} {noun}{'s' if number != 1 else ''}"
