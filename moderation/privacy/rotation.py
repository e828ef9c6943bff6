"""Re-encrypt what is stored sealed under the newest key, so older keys can leave the list.

Rotation puts a new key first in ``EMAIL_ENCRYPTION_KEYS``: new emails and webhook
secrets use it at once, but stored ones stay under the key they were written with
until this runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, bindparam, func, select, update

from ..extensions import db
from ..orm import Comment, Site, Subscription
from . import privacy

BATCH = 500

# (primary key, sealed column) of every table that keeps ciphertext.
SEALED: tuple[tuple[Column, Column], ...] = (
    (Comment.__table__.c.id, Comment.__table__.c.email_ciphertext),
    (Site.__table__.c.id, Site.__table__.c.webhook_secret_ciphertext),
    (Site.__table__.c.id, Site.__table__.c.moderator_emails_ciphertext),
    (Subscription.__table__.c.id, Subscription.__table__.c.email_ciphertext),
)


@dataclass
class Rotation:
    total: int
    reencrypted: int = 0
    unreadable: int = 0  # under none of the configured keys: one was dropped too early


def reencrypt_all(progress: Callable[[Rotation], None] = lambda _: None) -> Rotation:
    """Re-encrypt every sealed value, ``BATCH`` rows per transaction, in key order.

    Safe to interrupt and to run again, and beside live traffic: each batch commits on
    its own, a re-encrypted value decrypts as before, and a row changed meanwhile (an
    erasure, a new webhook secret) is not written back.
    """
    rotation = Rotation(total=sum(
        db.session.scalar(select(func.count()).where(sealed.is_not(None)))
        for _, sealed in SEALED))
    for key, sealed in SEALED:
        _reencrypt(key, sealed, rotation, progress)
    return rotation


def _reencrypt(key: Column, sealed: Column, rotation: Rotation,
               progress: Callable[[Rotation], None]) -> None:
    # Compare-and-set: a value changed since it was read is left as it now is.
    replace = (update(sealed.table).where(key == bindparam("row"), sealed == bindparam("was"))
               .values({sealed.name: bindparam("now")}))
    last = None
    while rows := db.session.execute(
            select(key, sealed).where(sealed.is_not(None),
                                      *([key > last] if last is not None else []))
            .order_by(key).limit(BATCH)).all():
        replacements = []
        for row, ciphertext in rows:
            try:
                replacements.append({"row": row, "was": ciphertext,
                                     "now": privacy().rotate(ciphertext)})
            except InvalidToken:
                rotation.unreadable += 1
        if replacements:
            rotation.reencrypted += db.session.execute(replace, replacements).rowcount
        db.session.commit()
        last = rows[-1][0]
        progress(rotation)
