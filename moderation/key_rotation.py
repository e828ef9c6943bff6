"""Re-encrypt stored emails under the newest key, so that older keys can leave the list.

Rotation puts a new key first in ``EMAIL_ENCRYPTION_KEYS``: new emails use it at
once, but stored ones stay under the key they were written with until this runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import bindparam, func, select, update

from .extensions import db
from .orm import Comment
from .privacy import privacy

BATCH = 500

_comments = Comment.__table__
# Compare-and-set: an email erased (or rewritten) since it was read is left as it now is.
_REPLACE = (
    update(_comments)
    .where(_comments.c.id == bindparam("comment_id"),
           _comments.c.email_ciphertext == bindparam("was"))
    .values(email_ciphertext=bindparam("now"))
)


@dataclass
class Rotation:
    total: int
    reencrypted: int = 0
    unreadable: int = 0  # under none of the configured keys: one was dropped too early


def reencrypt_emails(progress: Callable[[Rotation], None] = lambda _: None) -> Rotation:
    """Re-encrypt every stored email, ``BATCH`` rows per transaction, in id order.

    Safe to interrupt and to run again, and beside live traffic: each batch commits on
    its own, a re-encrypted email decrypts as before, and a row changed meanwhile (an
    erasure) is not written back.
    """
    stored = _comments.c.email_ciphertext.is_not(None)
    rotation = Rotation(total=db.session.scalar(select(func.count()).where(stored)))
    last_id = 0
    while rows := db.session.execute(
            select(_comments.c.id, _comments.c.email_ciphertext)
            .where(stored, _comments.c.id > last_id).order_by(_comments.c.id).limit(BATCH)).all():
        replacements = []
        for comment_id, ciphertext in rows:
            try:
                replacements.append({"comment_id": comment_id, "was": ciphertext,
                                     "now": privacy().rotate(ciphertext)})
            except InvalidToken:
                rotation.unreadable += 1
        if replacements:
            rotation.reencrypted += db.session.execute(_REPLACE, replacements).rowcount
        db.session.commit()
        last_id = rows[-1].id
        progress(rotation)
    return rotation
