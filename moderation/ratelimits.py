"""Per-IP request limits (Flask-Limiter): submissions, and failed moderator logins.

Counters live in Redis when one is configured, so every web replica shares
them; in memory on the embedded default. A breach is a 429 in the API's
error shape with ``Retry-After``. The site's flood interval (per author) is
separate and lives in ``submission.py``.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def _moderation_auth_limit() -> str:
    return current_app.config["MODERATION_AUTH_RATE_LIMIT"]


def init_app(app: Flask, *, public, moderation) -> Limiter:
    """One limiter per app: Flask-Limiter keeps storage and key prefix on the instance."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(get_remote_address, app=app)
    limiter.limit(_submission_limit, methods=["POST"])(public)
    # Only failed logins count, so a busy moderator never trips it.
    limiter.limit(_moderation_auth_limit,
                  deduct_when=lambda response: response.status_code == 401)(moderation)
    return limiter
