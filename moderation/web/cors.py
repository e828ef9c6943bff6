"""CORS for the widget, limited to the origins each site configured."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ValidationFailed
from ..sites import all_allowed_origins, site_policy

ALLOWED_HEADERS = "Content-Type, X-Author-Token, If-None-Match"
EXPOSED_HEADERS = "ETag, Retry-After"


def _allowed(origin: str) -> bool:
    """False when the origins cannot be known (database away, nothing cached): the response,
    a 503 then, must still go out rather than fail while being finalised (a 500)."""
    try:
        return _configured(origin)
    except SQLAlchemyError:
        return False


def _configured(origin: str) -> bool:
    site_id = request.args.get("site")
    if site_id and request.method == "GET":
        try:
            return origin in site_policy(site_id).allowed_origins
        except ValidationFailed:  # unknown site
            return False
    # Preflights and bodies: any configured origin; submission re-checks against its site.
    return origin in all_allowed_origins()


def apply_cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if "Vary" in response.headers:
        response.vary.add("Origin")
    else:  # the common case, without parsing and re-serialising a header set (4 µs a read)
        response.headers["Vary"] = "Origin"
    if not origin or not _allowed(origin):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response
