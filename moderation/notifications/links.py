"""Signed, expiring tokens for the links in our emails (confirm, unsubscribe).

A token carries only a subscription id, signed with a key derived from
IDENTITY_HASH_KEY (itsdangerous, one salt per purpose), so a link can be forged
for no other subscription or purpose, and no address can be read from it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import NotFound

CONFIRM = "notifications.confirm"
UNSUBSCRIBE = "notifications.unsubscribe"
# An unsubscribe link must keep working long after its email arrived.
UNSUBSCRIBE_LINK_DAYS = 365

_PATHS = {CONFIRM: "/notifications/confirm",
          UNSUBSCRIBE: "/notifications/unsubscribe"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["IDENTITY_HASH_KEY"], salt=purpose)


def link(purpose: str, subscription_id: int) -> str:
    """The absolute URL of the link, its token signed now."""
    token = _serializer(purpose).dumps(subscription_id)
    return f"{current_app.config['PUBLIC_BASE_URL']}{_PATHS[purpose]}?token={token}"


def verify(purpose: str, token: str) -> int:
    """The subscription id of a valid token; an expired, altered or foreign one is a 404."""
    days = (current_app.config["CONFIRMATION_LINK_DAYS"] if purpose == CONFIRM
            else UNSUBSCRIBE_LINK_DAYS)
    try:
        return int(_serializer(purpose).loads(
            token, max_age=int(timedelta(days=days).total_seconds())))
    except (BadSignature, TypeError, ValueError) as error:
        raise NotFound("This link is not valid or has expired.") from error
