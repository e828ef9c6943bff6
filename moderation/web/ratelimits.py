"""Per-address request limits (Flask-Limiter): submissions, authors' edits and deletes, and
failed moderator logins.

Counters live in Redis when one is configured, so every web replica shares
them; in memory on the embedded default. While Redis is away each process
counts in its own memory instead (a warning in the log and
``moderation_rate_limit_fallbacks_total``), so a Redis outage costs the
limits' precision, never a submission. They are keyed by the keyed digest of
the client's address, never the address itself. A breach is a 429 in the API's
error shape with ``Retry-After``. All the limits of one request (``30/minute;300/hour``)
are counted in one Redis round trip. The site's flood interval is separate and
lives in ``submission.py``; the per-comment edit cap in ``authoring.py``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import RedisClusterStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from redis.exceptions import RedisError

from ..errors import ApiError
from ..platform import hooks
from ..platform.metrics import RATE_LIMIT_FALLBACKS
from ..privacy import privacy

log = logging.getLogger(__name__)

_EXTENSION = "moderation.limiter"
_FAILED_LOGINS = "failed-moderator-logins"
# The public API's changes and the setting holding each one's limits.
_PUBLIC_LIMITS = {"POST": "SUBMISSION_RATE_LIMIT", "PATCH": "AUTHOR_CHANGE_RATE_LIMIT",
                  "DELETE": "AUTHOR_CHANGE_RATE_LIMIT"}
_LONGEST_RECHECK_SECONDS = 32  # how long a dead storage may go untried, as Flask-Limiter's
# limits' fixed-window increment (incr_expire.lua) over several counters: KEYS the counters,
# ARGV each one's expiry and amount in turn; the counts after the increment, in KEYS' order.
INCREMENT_ALL_LUA = """
local counts = {}
for i, key in ipairs(KEYS) do
    local amount = tonumber(ARGV[2 * i])
    local current = redis.call("incrby", key, amount)
    if current == amount then
        redis.call("expire", key, ARGV[2 * i - 1])
    end
    counts[i] = current
end
return counts
"""


class RateLimitExceeded(ApiError):
    status, code, message = 429, "rate_limited", "Too many requests; wait a moment."

    def __init__(self, retry_after: int):
        super().__init__(headers={"Retry-After": str(retry_after)})


def client_key() -> str:
    """The counters' key: an HMAC of the client's address, so the limiter's storage (Redis)
    holds no IP address."""
    return privacy().ip_digest(request.remote_addr) or "no-address"


@lru_cache(maxsize=16)
def _items(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


class _CountingLimiter(Limiter):
    """Flask-Limiter for its storage, settings and in-memory fallback; the counting is ours.

    Flask-Limiter resolves a request's limits anew on every request and hits each in a
    Redis round trip of its own. Here a request is looked at only if it changes something
    through the public API, and all its limits are counted by one script call.
    ``_storage_dead`` is Flask-Limiter's switch to memory; while it is on, Redis is tried
    again after 1, 2, 4 ... up to 32 s.
    """

    def __init__(self, *args, public_blueprint: str, **kwargs):
        self.public_blueprint = public_blueprint
        self.next_recheck, self.recheck_interval = 0.0, 1.0
        self.increment_all = None  # INCREMENT_ALL_LUA on the Redis storage's client
        super().__init__(*args, **kwargs)

    def check_request(self) -> None:
        """A step of the app's before-request hook: 429 past any limit of the request."""
        setting = _PUBLIC_LIMITS.get(request.method)
        if setting is None or request.blueprint != self.public_blueprint or not self.enabled:
            return
        scope = request.endpoint  # as Flask-Limiter scoped the blueprint's limits
        wait = self.count(current_app.config[setting], client_key(), scope)
        if wait is not None:
            raise RateLimitExceeded(wait)

    def count(self, limits: str, *identifiers: str) -> int | None:
        """Count one request against each of ``limits``: None while within all of them,
        else the seconds until the latest breached one lets requests in again."""
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
        identifiers = tuple(part for part in (prefix, *identifiers) if part)
        with self.noting_fallback():
            self._maybe_revive()
            try:
                return self._count(_items(limits), identifiers)
            except (RedisError, StorageError):
                self._storage_dead, self.recheck_interval = True, 1.0
                self.next_recheck = time.monotonic() + self.recheck_interval
                return self._count(_items(limits), identifiers)

    def _count(self, items: tuple[RateLimitItem, ...], identifiers: tuple[str, ...]
               ) -> int | None:
        strategy = self.limiter
        allowed = self._hit_all(strategy, items, identifiers)
        breached = [item for item, room in zip(items, allowed, strict=True) if not room]
        if not breached:
            return None
        resets = [strategy.get_window_stats(item, *identifiers).reset_time
                  for item in breached]
        return max(1, math.ceil(max(resets) - time.time()))

    def _hit_all(self, strategy: RateLimiter, items: tuple[RateLimitItem, ...],
                 identifiers: tuple[str, ...]) -> list[bool]:
        """Whether each limit still had room for this hit: fixed windows in one Redis (not a
        cluster, whose keys may sit on different nodes) in one script call, else a limit at a
        time. A pipeline of limits' own script would cost a SCRIPT EXISTS round trip more."""
        storage = strategy.storage
        if not (isinstance(strategy, FixedWindowRateLimiter) and isinstance(storage, RedisStorage)
                and not isinstance(storage, RedisClusterStorage)):
            return [strategy.hit(item, *identifiers) for item in items]
        if self.increment_all is None:  # registering sends nothing; the first call loads it
            self.increment_all = storage.get_connection().register_script(INCREMENT_ALL_LUA)
        counts = self.increment_all(
            [storage.prefixed_key(item.key_for(*identifiers)) for item in items],
            [argument for item in items for argument in (item.get_expiry(), 1)])
        return [int(count) <= item.amount for item, count in zip(items, counts, strict=True)]

    def _maybe_revive(self) -> None:
        if not self._storage_dead or time.monotonic() < self.next_recheck:
            return
        if self.storage.check():
            self._storage_dead, self.recheck_interval = False, 1.0
        else:
            self.recheck_interval = min(self.recheck_interval * 2, _LONGEST_RECHECK_SECONDS)
        self.next_recheck = time.monotonic() + self.recheck_interval

    @contextmanager
    def noting_fallback(self) -> Iterator[None]:
        """Say when this process starts or stops counting in memory."""
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
    limiter: _CountingLimiter = current_app.extensions[_EXTENSION]
    if not limiter.enabled:
        return None
    return limiter.count(current_app.config["MODERATION_AUTH_RATE_LIMIT"], client_key(),
                         _FAILED_LOGINS)


def init_app(app: Flask, *, public) -> Limiter:
    """One limiter per app: Flask-Limiter keeps storage and key prefix on the instance."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter = _CountingLimiter(client_key, public_blueprint=public.name)
    # Flask-Limiter adds three request hooks of its own unless it finds itself among the
    # app's limiters already; this one counts in a step of the app's one hook instead.
    app.extensions.setdefault("limiter", set()).add(limiter)
    limiter.init_app(app)
    hooks.before_request(app, limiter.check_request)
    app.extensions[_EXTENSION] = limiter
    return limiter
