"""Tell a confirmed subscriber of the published replies to their comments.

A reply counts once it is approved (never while pending or held). The job goes by
subscription: it sends, in one email, every reply published since the last one it
told of (``notified_through``), so a rerun sends nothing twice. At most one email per
REPLY_BATCH_SECONDS: a reply published within that time of the last email is owed
for when it ends (``replies_due_at``, the outbox of ``due``), and a relay pass or the
sweeper publishes the job then, broker or not, so a burst of replies is one more
email. No email names another reader's address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from ..extensions import db
from ..lifecycle import Status
from ..orm import Comment, Site, Subscription, Thread, utcnow
from ..outbox.after_commit import call_after_commit
from ..outbox.queueing import publish
from ..privacy import privacy
from . import links, mail
from .due import SEND_REPLIES, retry_at

EXCERPT_CHARS = 280

_parent = aliased(Comment)


def record_reply(reply: Comment, target: Status) -> None:
    """On a reply's publication, queue its parent's author's notification (caller commits)."""
    if target != Status.APPROVED or reply.parent_id is None:
        return
    parent = db.session.get(Comment, reply.parent_id)
    if parent is None or parent.email_digest in (None, reply.email_digest):
        return
    subscription = db.session.scalar(select(Subscription).where(
        *_active(), Subscription.site_id == reply.site_id,
        Subscription.email_digest == parent.email_digest))
    if subscription is None:
        return
    batch_ends = _batch_ends(subscription)
    if batch_ends > utcnow():  # an email went out lately: this one waits for the batch
        subscription.replies_due_at = batch_ends
        return
    subscription.replies_due_at = retry_at()
    call_after_commit(db.session, publish, SEND_REPLIES, subscription.id)


def _batch_ends(subscription: Subscription) -> datetime:
    """When the subscription may have its next email."""
    if subscription.last_notified_at is None:
        return utcnow()
    return subscription.last_notified_at + timedelta(
        seconds=current_app.config["REPLY_BATCH_SECONDS"])


def _active() -> tuple:
    return (Subscription.confirmed_at.is_not(None), Subscription.unsubscribed_at.is_(None),
            Subscription.undeliverable_at.is_(None))


def send_notifications(subscription_id: int) -> float:
    """The job: one email of the replies not yet told of. Returns 0 when done, else the
    seconds until this subscription may have its next email (then owed: ``due``)."""
    found = db.session.execute(select(Subscription, and_(*_active()))
                               .where(Subscription.id == subscription_id)).first()
    if found is None:
        return 0
    subscription, active = found
    owed_at = subscription.replies_due_at
    if not active:
        _settle(subscription_id, owed_at)
        return 0
    replies = _untold_replies(subscription)
    if not replies:
        _settle(subscription_id, owed_at)
        return 0
    wait = _claim_slot(subscription.id)
    if wait:
        _settle(subscription_id, owed_at, utcnow() + timedelta(seconds=wait))
        return wait
    site = db.session.get(Site, subscription.site_id)
    unsubscribe = links.link(links.UNSUBSCRIBE, subscription.id)
    mail.deliver(mail.compose(
        privacy().open_email(subscription.email_ciphertext),
        f"New replies to your comment on {site.name}" if len(replies) > 1
        else f"A new reply to your comment on {site.name}",
        "replies", headers={"List-Unsubscribe": f"<{unsubscribe}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        sender=site.mail_from, site_name=site.name, unsubscribe_url=unsubscribe,
        replies=[_summary(reply) for reply in replies]))
    subscription.notified_through = max(reply.decided_at for reply in replies)
    db.session.commit()
    _settle(subscription_id, owed_at)
    return 0


def _settle(subscription_id: int, owed_at: datetime | None,
            next_at: datetime | None = None) -> None:
    """Owe the next email at ``next_at`` (None: nothing owed), unless a reply published
    meanwhile changed what is owed (compare-and-set on ``owed_at``)."""
    owed = (Subscription.replies_due_at.is_(None) if owed_at is None
            else Subscription.replies_due_at == owed_at)
    db.session.execute(update(Subscription).where(Subscription.id == subscription_id, owed)
                       .values(replies_due_at=next_at))
    db.session.commit()


def _claim_slot(subscription_id: int) -> float:
    """Take this subscription's email slot (one job at a time, one email per batch time);
    0 if taken, else the seconds until it frees."""
    now, batch = utcnow(), timedelta(seconds=current_app.config["REPLY_BATCH_SECONDS"])
    claimed = db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id,
               or_(Subscription.last_notified_at.is_(None),
                   Subscription.last_notified_at <= now - batch))
        .values(last_notified_at=now)).rowcount
    db.session.commit()
    if claimed:
        return 0
    last = db.session.get(Subscription, subscription_id).last_notified_at
    return max(1.0, (last + batch - now).total_seconds())


def _untold_replies(subscription: Subscription) -> list[Comment]:
    query = (select(Comment).join(_parent, Comment.parent_id == _parent.id)
             .where(_parent.site_id == subscription.site_id,
                    _parent.email_digest == subscription.email_digest,
                    Comment.status == Status.APPROVED,
                    Comment.email_digest.is_distinct_from(subscription.email_digest))
             .order_by(Comment.decided_at))
    if subscription.notified_through is not None:
        query = query.where(Comment.decided_at > subscription.notified_through)
    return list(db.session.scalars(query))


def _summary(reply: Comment) -> dict[str, str]:
    """Name, excerpt of the sanitised text and the article's link: nothing of an address."""
    thread = db.session.get(Thread, reply.thread_id)
    excerpt = reply.body if len(reply.body) <= EXCERPT_CHARS else (
        reply.body[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…")
    return {"author_name": reply.author_name, "excerpt": excerpt,
            "article_url": thread.url or "", "article_title": thread.title or thread.key}
