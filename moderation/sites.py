"""Sites (tenants): lookup, origins allowed to embed the widget, creation by ops."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from .errors import ValidationFailed
from .extensions import db
from .orm import Site

SITE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def get_site(site_id: str) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise ValidationFailed(fields={"site": ["Unknown site."]})
    return site


def normalise_origin(url: str) -> str:
    """``https://Example.com/path`` → ``https://example.com``: what browsers send as Origin."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) origin: {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def origin_allowed(site: Site, origin: str) -> bool:
    return origin in (site.allowed_origins or [])


def all_allowed_origins() -> set[str]:
    """Preflight requests do not say which site they are for: any configured origin may ask."""
    return {origin for origins in db.session.scalars(select(Site.allowed_origins))
            for origin in origins or []}


def create_site(site_id: str, name: str | None, origins: list[str], **policy) -> Site:
    """Raises ValueError for a policy that cannot work (non-http origin, trust after one)."""
    if not SITE_ID.fullmatch(site_id):
        raise ValueError("a site id is 1-64 letters, digits, '.', '_' or '-'")
    if policy.get("auto_approve_after") == 1:
        raise ValueError("auto-approve needs at least 2 approved comments (or 0 for off)")
    site = Site(id=site_id, name=name or site_id,
                allowed_origins=sorted({normalise_origin(o) for o in origins}), **policy)
    db.session.add(site)
    db.session.commit()
    return site
