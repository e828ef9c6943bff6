"""Per-address request limits (Flask-Limiter): submissions, authors' edits and deletes, and
failed moderator logins.

Counters live in Redis when one is configured, so every web replica shares
them; in memory on the embedded default. They are keyed by the keyed digest of
the client's address, never the address itself. A breach is a 429 in the API's
error shape with ``Retry-After``. The site's flood interval is separate and
lives in ``submission.py``; the per-comment edit cap in ``authoring.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from limits import parse_many

from ..privacy import privacy

_CHANGES = frozenset({"POST", "PATCH", "DELETE"})
_EXTENSION = "moderation.limiter"
_FAILED_LOGINS = "failed-moderator-logins"


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def _author_change_limit() -> str:
    return current_app.config["AUTHOR_CHANGE_RATE_LIMIT"]


def client_key() -> str:
    """The counters' key: an HMAC of the client's address, so the limiter's storage (Redis)
    holds no IP address."""
    return privacy().ip_digest(request.remote_addr) or "no-address"


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


def count_failed_login() -> int | None:
    """Count one refused moderator token from this address: the seconds to wait once the
    address is past ``MODERATION_AUTH_RATE_LIMIT``, else None.

    Called on the failure path only, after the token was checked, so a valid token never
    meets this limit: nobody sharing a moderator's address can lock them out (audit F-04).
    """
    limiter: Limiter = current_app.extensions[_EXTENSION]
    if not limiter.enabled:
        return None
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = [part for part in (prefix, client_key(), _FAILED_LOGINS) if part]
    waits = [limiter.limiter.get_window_stats(item, *identifiers).reset_time - time.time()
             for item in parse_many(current_app.config["MODERATION_AUTH_RATE_LIMIT"])
             if not limiter.limiter.hit(item, *identifiers)]
    return max(1, math.ceil(max(waits))) if waits else None


def init_app(app: Flask, *, public) -> Limiter:
    """One limiter per app: Flask-Limiter keeps storage and key prefix on the instance."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)

    def limited() -> bool:
        return request.method in _CHANGES and request.blueprint == public.name

    limiter = _SkippingLimiter(client_key, app=app, on_breach=_remember_retry_after,
                               limited=limited)
    limiter.limit(_submission_limit, methods=["POST"])(public)
    limiter.limit(_author_change_limit, methods=["PATCH", "DELETE"])(public)
    app.extensions[_EXTENSION] = limiter
    app.after_request(_add_retry_after)
    return limiter
