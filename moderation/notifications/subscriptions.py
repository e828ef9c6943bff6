"""Double opt-in: an address asks at the form, gets one confirmation, confirms by its link.

Nothing but the confirmation is ever sent to an unconfirmed address, and at most one
confirmation an hour per address and site, so our form cannot be used to mail-bomb
someone else's inbox. An owed confirmation is in the outbox (``due``): a broker away
when it was asked delays it, it does not lose it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import NotFound
from ..extensions import db
from ..orm import Site, Subscription, utcnow
from ..outbox.queueing import publish
from ..privacy import SealedEmail, privacy
from . import links, mail
from .due import SEND_CONFIRMATION, retry_at

CONFIRMATION_INTERVAL = timedelta(hours=1)


def opt_in(site_id: str, sealed: SealedEmail) -> None:
    """Record the wish and, unless confirmed or asked within the hour, send a confirmation."""
    subscription = _find_or_create(site_id, sealed)
    if subscription.undeliverable_at is not None:
        return
    if subscription.unsubscribed_at is not None:  # asking again: confirm again
        subscription.unsubscribed_at = subscription.confirmed_at = None
    elif subscription.confirmed_at is not None:
        return
    now = utcnow()
    claimed = db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription.id, Subscription.confirmed_at.is_(None),
               or_(Subscription.confirmation_sent_at.is_(None),
                   Subscription.confirmation_sent_at <= now - CONFIRMATION_INTERVAL))
        .values(confirmation_sent_at=now, confirmation_due_at=retry_at())
    ).rowcount
    db.session.commit()
    if claimed:
        publish(SEND_CONFIRMATION, subscription.id)


def _find_or_create(site_id: str, sealed: SealedEmail) -> Subscription:
    query = db.select(Subscription).filter_by(site_id=site_id, email_digest=sealed.digest)
    found = db.session.scalars(query).first()
    if found is not None:
        return found
    db.session.add(Subscription(site_id=site_id, email_digest=sealed.digest,
                                email_ciphertext=sealed.ciphertext))
    try:
        db.session.commit()
    except IntegrityError:  # the same address opted in concurrently
        db.session.rollback()
    return db.session.scalars(query).one()


def send_confirmation(subscription_id: int) -> bool:
    """The job: email the owed confirmation link, unless confirmed, unsubscribed or
    undeliverable meanwhile. The row stays locked while it sends, so a job published
    twice sends once; an SMTP error leaves it owed."""
    subscription = db.session.scalar(select(Subscription).where(
        Subscription.id == subscription_id, Subscription.confirmation_due_at.is_not(None))
        .with_for_update(skip_locked=True))
    if subscription is None:
        db.session.rollback()
        return False
    wanted = (subscription.confirmed_at is None and subscription.unsubscribed_at is None
              and subscription.undeliverable_at is None)
    if wanted:
        site = db.session.get(Site, subscription.site_id)
        mail.deliver(mail.compose(
            privacy().open_email(subscription.email_ciphertext),
            f"Confirm reply notifications from {site.name}", "confirm", sender=site.mail_from,
            site_name=site.name, confirm_url=links.link(links.CONFIRM, subscription.id)))
    subscription.confirmation_due_at = None
    db.session.commit()
    return wanted


def confirm(token: str) -> Subscription:
    """Confirm by the link's token; idempotent, so opening the link twice is fine."""
    return _stamp_once(links.CONFIRM, token, "confirmed_at")


def unsubscribe(token: str) -> Subscription:
    """Stop all email from the site to this address; idempotent like ``confirm``."""
    return _stamp_once(links.UNSUBSCRIBE, token, "unsubscribed_at")


def _stamp_once(purpose: str, token: str, column: str) -> Subscription:
    """The link's subscription with ``column`` set to now, unless a first use already set it."""
    subscription = _by_token(purpose, token)
    if getattr(subscription, column) is None:
        setattr(subscription, column, utcnow())
        db.session.commit()
    return subscription


def _by_token(purpose: str, token: str) -> Subscription:
    subscription = db.session.get(Subscription, links.verify(purpose, token))
    if subscription is None:  # erased since the link was sent
        raise NotFound("This link is not valid or has expired.")
    return subscription


def mark_undeliverable(email: str) -> int:
    """A bounce or complaint: nothing more goes to this address, from any site. Returns how
    many subscriptions it had."""
    marked = db.session.execute(
        update(Subscription)
        .where(Subscription.email_digest == privacy().email_digest(email),
               Subscription.undeliverable_at.is_(None))
        .values(undeliverable_at=utcnow())).rowcount
    db.session.commit()
    return marked


def verified_authors(site_id: str, digests: set[str]) -> set[str]:
    """The email HMACs among ``digests`` confirmed on the site: its verified authors (an
    unsubscribe later does not undo that the address was proven theirs)."""
    if not digests:
        return set()
    return set(db.session.scalars(select(Subscription.email_digest).where(
        Subscription.site_id == site_id, Subscription.email_digest.in_(digests),
        Subscription.confirmed_at.is_not(None))))
