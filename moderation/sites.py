"""Sites (tenants): lookup, origins allowed to embed the widget, creation by ops."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError

from .errors import ValidationFailed
from .extensions import db
from .orm import Site
from .outbox.after_commit import call_after_commit
from .privacy import mask_email, privacy

SITE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# The digest's thresholds and interval: counts and seconds, each at least 1.
DIGEST_SETTINGS = ("digest_held_age_seconds", "digest_held_count", "digest_interval_seconds")
# How long a process may serve a site's policy without reading it again. A change made in
# this process (ORM insert, update or delete of a Site) drops the cache at once; one made in
# another process (``moderation sites …`` on another host) shows within this many seconds.
POLICY_TTL_SECONDS = 10.0
_CACHE_KEY = "site_policies"
_ALL_ORIGINS = object()  # the cache key of the union of every site's origins
T = TypeVar("T")


@dataclass(frozen=True)
class SitePolicy:
    """What the public API needs of a site on every request, readable without a query."""

    id: str
    allowed_origins: frozenset[str]
    flood_interval_seconds: int


def get_site(site_id: str) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise ValidationFailed(fields={"site": ["Unknown site."]})
    return site


def site_policy(site_id: str) -> SitePolicy:
    """The site's public policy from this process's short cache; raises like ``get_site``."""
    def load() -> SitePolicy:
        site = get_site(site_id)
        return SitePolicy(site.id, frozenset(site.allowed_origins or ()),
                          site.flood_interval_seconds)

    return _cached(site_id, load)


def _cached(key: object, load: Callable[[], T]) -> T:
    """The cached value while fresh, else ``load()``'s; the last known value while the
    database is away, so an error response still carries its CORS headers."""
    cache = _policy_cache()
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    try:
        value = load()
    except SQLAlchemyError:
        if hit is None:
            raise
        return hit[1]
    cache[key] = (time.monotonic() + POLICY_TTL_SECONDS, value)
    return value


def _policy_cache() -> dict:
    """Per app, so two apps in one process (tests, scripts) never share a site's policy."""
    return current_app.extensions.setdefault(_CACHE_KEY, {})


@event.listens_for(Site, "after_insert")
@event.listens_for(Site, "after_update")
@event.listens_for(Site, "after_delete")
def _forget_policies(_mapper, _connection, _site) -> None:
    """Now, and again at commit: a request between flush and commit reads the old row."""
    _forget()
    call_after_commit(db.session, _forget)


def _forget() -> None:
    current_app.extensions.pop(_CACHE_KEY, None)


def normalise_origin(url: str) -> str:
    """``https://Example.com/path`` → ``https://example.com``: what browsers send as Origin."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) origin: {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def origin_allowed(site: Site | SitePolicy, origin: str) -> bool:
    return origin in (site.allowed_origins or ())


def all_allowed_origins() -> frozenset[str]:
    """Preflight requests do not say which site they are for: any configured origin may ask.

    Cached like a site's policy (every cross-origin POST asks)."""
    return _cached(_ALL_ORIGINS, lambda: frozenset(
        origin for origins in db.session.scalars(select(Site.allowed_origins))
        for origin in origins or []))


def set_thresholds(site: Site, changes: list[tuple[str, str, float]], *, reset: bool) -> None:
    thresholds = {} if reset else {model: dict(rules) for model, rules in
                                   (site.score_thresholds or {}).items()}
    for model, rule, value in changes:
        thresholds.setdefault(model, {})[rule] = value
    site.score_thresholds = thresholds  # a new object: the JSON column sees the change
    db.session.commit()


def create_site(site_id: str, name: str | None, origins: list[str], **policy) -> Site:
    """Raises ValueError for a policy that cannot work (non-http origin, trust after one,
    an address that is none)."""
    if not SITE_ID.fullmatch(site_id):
        raise ValueError("a site id is 1-64 letters, digits, '.', '_' or '-'")
    _check_policy(policy)
    site = Site(id=site_id, name=name or site_id,
                allowed_origins=sorted({normalise_origin(o) for o in origins}),
                **_stored(policy))
    db.session.add(site)
    db.session.commit()
    return site


def update_site(site_id: str, name: str | None = None, origins: list[str] | None = None,
                **policy) -> Site:
    """Change the given fields only (None keeps one), validated as ``create_site`` does."""
    site = db.session.get(Site, site_id)
    if site is None:
        raise LookupError(f"no site {site_id!r}")
    changes = {key: value for key, value in policy.items() if value is not None}
    _check_policy(changes)
    if name is not None:
        changes["name"] = name
    if origins:
        changes["allowed_origins"] = sorted({normalise_origin(o) for o in origins})
    for key, value in _stored(changes).items():
        setattr(site, key, value)
    db.session.commit()
    return site


def _check_policy(policy: dict) -> None:
    """Also normalises the addresses given (``mail_from``, ``moderator_emails``) in place."""
    if policy.get("auto_approve_after") == 1:
        raise ValueError("auto-approve needs at least 2 approved comments (or 0 for off)")
    for setting in DIGEST_SETTINGS:
        if policy.get(setting) is not None and policy[setting] < 1:
            raise ValueError(f"{setting.replace('_', ' ')} must be a positive number")
    if policy.get("mail_from"):
        policy["mail_from"] = _address(policy["mail_from"], "the sender address")
    if policy.get("moderator_emails") is not None:
        policy["moderator_emails"] = sorted({_address(email, "a moderator address")
                                             for email in policy["moderator_emails"]})


def _address(text: str, what: str) -> str:
    """The normalised address; the error never repeats it (it may reach a log)."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"{what} is not a valid email address") from error


def _stored(policy: dict) -> dict:
    """The policy as the site's columns: moderator addresses sealed, an empty sender unset."""
    stored = dict(policy)
    if "moderator_emails" in stored:
        stored["moderator_emails_ciphertext"] = _sealed_list(stored.pop("moderator_emails"))
    if "mail_from" in stored:
        stored["mail_from"] = stored["mail_from"] or None
    return stored


def _sealed_list(emails: list[str]) -> bytes | None:
    return privacy().seal_secret(json.dumps(emails)) if emails else None


def moderator_emails(site: Site) -> list[str]:
    """The addresses the site's digest goes to (personal data: never log them)."""
    if site.moderator_emails_ciphertext is None:
        return []
    return json.loads(privacy().open_secret(site.moderator_emails_ciphertext))


@dataclass(frozen=True)
class SiteOverview:
    """A site's policy with its digest's addresses masked, as the CLI prints it."""

    site: Site
    moderator_emails: list[str]  # masked: j***@e***.com


def overview(site: Site) -> SiteOverview:
    return SiteOverview(site, [mask_email(email) for email in moderator_emails(site)])


def sites_moderated_by(email: str) -> list[Site]:
    """The sites whose digest goes to ``email`` (a data-subject request; caller commits any
    change). Sites are few, so each list is opened rather than indexed by a hash."""
    digest = privacy().email_digest(email)
    with_moderators = select(Site).where(Site.moderator_emails_ciphertext.is_not(None))
    return [site for site in db.session.scalars(with_moderators.order_by(Site.id))
            if any(privacy().email_digest(e) == digest for e in moderator_emails(site))]


def drop_moderator_email(site: Site, email: str) -> None:
    """Take ``email`` off the site's digest list (caller commits)."""
    digest = privacy().email_digest(email)
    site.moderator_emails_ciphertext = _sealed_list([
        kept for kept in moderator_emails(site) if privacy().email_digest(kept) != digest])
