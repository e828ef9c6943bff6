"""Per-address request limits (Flask-Limiter): submissions, authors' edits and deletes, and
failed moderator logins.

Counters live in Redis when one is configured, so every web replica shares
them; in memory on the embedded default. While Redis is away each process
counts in its own memory instead (a warning in the log and
``moderation_rate_limit_fallbacks_total``), so a Redis outage costs the
limits' precision, never a submission. They are keyed by the keyed digest of
the client's address, never the address itself. A breach is a 429 in the API's
error shape with ``Retry-After``. The site's flood interval is separate and
lives in ``submission.py``; the per-comment edit cap in ``authoring.py``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from limits import parse_many
from redis.exceptions import RedisError

from ..platform.metrics import RATE_LIMIT_FALLBACKS
from ..privacy import privacy

log = logging.getLogger(__name__)

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
            with self.noting_fallback():
                super()._check_request_limit(*args, **kwargs)

    @contextmanager
    def noting_fallback(self) -> Iterator[None]:
        """Say when this process starts or stops counting in memory. Flask-Limiter switches
        storage by itself (``_storage_dead``, checking Redis again with backoff up to 32 s)
        but only says so in its own logger, at info level on the way back."""
        dead = self._storage_dead
        try:
            yield
        finally:
            if self._storage_dead and not dead:
                RATE_LIMIT_FALLBACKS.inc()
                log.warning("rate limit storage unreachable: counting per process in memory")
            elif dead and not self._storage_dead:
                log.warning("rate limit storage back: counting in shared storage again")


def count_failed_login() -> int | None:
    """Count one refused moderator token from this address: the seconds to wait once the
    address is past ``MODERATION_AUTH_RATE_LIMIT``, else None.

    Called on the failure path only, after the token was checked, so a valid token never
    meets this limit: nobody sharing a moderator's address can lock them out (audit F-04).
    """
    limiter: _SkippingLimiter = current_app.extensions[_EXTENSION]
    if not limiter.enabled:
        return None
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = [part for part in (prefix, client_key(), _FAILED_LOGINS) if part]
    with limiter.noting_fallback():
        try:
            return _hit_failed_logins(limiter, identifiers)
        except RedisError:
            limiter._storage_dead = True  # as Flask-Limiter does for a request's own limits
            return _hit_failed_logins(limiter, identifiers)


def _hit_failed_logins(limiter: Limiter, identifiers: list[str]) -> int | None:
    waits = [limiter.limiter.get_window_stats(item, *identifiers).reset_time - time.time()
             for item in parse_many(current_app.config["MODERATION_AUTH_RATE_LIMIT"])
             if not limiter.limiter.hit(item, *identifiers)]
    return max(1, math.ceil(max(waits))) if waits else None


def init_app(app: Flask, *, public) -> Limiter:
    """One limiter per app: Flask-Limiter keeps storage and key prefix on the instance."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)

    def limited() -> bool:
        return request.method in _CHANGES and request.blueprint == public.name

    limiter = _SkippingLimiter(client_key, app=app, on_breach=_remember_retry_after,
                               limited=limited)
    limiter.limit(_submission_limit, methods=["POST"])(public)
    limiter.limit(_author_change_limit, methods=["PATCH", "DELETE"])(public)
    app.extensions[_EXTENSION] = limiter
    app.after_request(_add_retry_after)
    return limiter
