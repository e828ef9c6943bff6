"""CORS for the widget, limited to the origins each site configured."""

from __future__ import annotations

from flask import Response, request

from .extensions import db
from .orm import Site
from .sites import all_allowed_origins

ALLOWED_HEADERS = "Content-Type, X-Author-Token, If-None-Match"
EXPOSED_HEADERS = "ETag, Retry-After"


def _allowed(origin: str) -> bool:
    site_id = request.args.get("site")
    if site_id and request.method == "GET":
        site = db.session.get(Site, site_id)
        return bool(site) and origin in (site.allowed_origins or [])
    # Preflights and bodies: any configured origin; submission re-checks against its site.
    return origin in all_allowed_origins()


def apply_cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin or not _allowed(origin):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response
