"""Per-IP request limits (Flask-Limiter): submissions, and failed moderator logins.

Counters live in Redis when one is configured, so every web replica shares
them; in memory on the embedded default. A breach is a 429 in the API's
error shape with ``Retry-After``. The site's flood interval (per author) is
separate and lives in ``submission.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def _moderation_auth_limit() -> str:
    return current_app.config["MODERATION_AUTH_RATE_LIMIT"]


def _remember_retry_after(breached: RequestLimit) -> None:
    """Only a breach reads the window back from storage (the X-RateLimit-* headers on every
    response would cost two more Redis round trips per submission)."""
    g.rate_limit_retry_after = max(1, int(breached.reset_at - time.time()))


def _add_retry_after(response: Response) -> Response:
    retry_after = g.pop("rate_limit_retry_after", None)
    if retry_after is not None and response.status_code == 429:
        response.headers["Retry-After"] = str(retry_after)
    return response


class _SkippingLimiter(Limiter):
    """Returns at once from a request no limit applies to. Flask-Limiter's own request filter
    runs only after it has identified the request and looked up its view, which costs a
    public read (the hot path, with no limit) about 15 % of its time."""

    def __init__(self, *args, limited: Callable[[], bool], **kwargs):
        self.limited = limited
        super().__init__(*args, **kwargs)

    def _check_request_limit(self, *args, **kwargs) -> None:
        if self.limited():
            super()._check_request_limit(*args, **kwargs)


def init_app(app: Flask, *, public, moderation) -> Limiter:
    """One limiter per app: Flask-Limiter keeps storage and key prefix on the instance."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)

    def limited() -> bool:
        return request.blueprint == moderation.name or request.method == "POST"

    limiter = _SkippingLimiter(get_remote_address, app=app, on_breach=_remember_retry_after,
                               limited=limited)
    limiter.limit(_submission_limit, methods=["POST"])(public)
    # Only failed logins count, so a busy moderator never trips it.
    limiter.limit(_moderation_auth_limit,
                  deduct_when=lambda response: response.status_code == 401)(moderation)
    app.after_request(_add_retry_after)
    return limiter
