"""Moderator identities: tokens shown once, stored as a hash, checked in constant time."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import select

from ..extensions import db
from ..orm import Moderator, utcnow
from ..privacy import token_digest

ROLES = ("moderator", "admin")


class ModeratorExists(ValueError):
    pass


def create_moderator(name: str, site_id: str | None, role: str) -> tuple[Moderator, str]:
    """Returns the moderator and the token, which is not stored and cannot be shown again."""
    if db.session.scalar(select(Moderator).where(Moderator.name == name)):
        raise ModeratorExists(f"moderator {name!r} already exists")
    token = "mod_" + secrets.token_urlsafe(32)
    moderator = Moderator(name=name, site_id=site_id, role=role, token_digest=token_digest(token))
    db.session.add(moderator)
    db.session.commit()
    return moderator, token


def authenticate(token: str) -> Moderator | None:
    digest = token_digest(token)
    moderator = db.session.scalar(select(Moderator).where(Moderator.token_digest == digest))
    if moderator is None or moderator.revoked_at is not None:
        return None
    return moderator if hmac.compare_digest(moderator.token_digest, digest) else None


def revoke_moderator(name: str) -> bool:
    moderator = db.session.scalar(select(Moderator).where(Moderator.name == name))
    if moderator is None or moderator.revoked_at is not None:
        return False
    moderator.revoked_at = utcnow()
    db.session.commit()
    return True


def list_moderators() -> list[Moderator]:
    return list(db.session.scalars(select(Moderator).order_by(Moderator.name)))


def may_act_on(moderator: Moderator, site_id: str) -> bool:
    return moderator.site_id is None or moderator.site_id == site_id
