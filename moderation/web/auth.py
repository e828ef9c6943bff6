"""Bearer-token authentication for the moderation API."""

from __future__ import annotations

from flask import g, request

from ..errors import ApiError, Forbidden, RateLimited
from ..orm import Moderator
from ..review.moderators import authenticate, may_act_on
from .ratelimits import count_failed_login


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"
    message = "A valid moderator token is required (Authorization: Bearer <token>)."

    def __init__(self):
        super().__init__(headers={"WWW-Authenticate": 'Bearer realm="moderation"'})


class TooManyFailedLogins(RateLimited):
    message = "Too many failed logins from this address; wait a moment."


def require_moderator() -> None:
    """``before_request`` of the moderation API: 401 unless a live token is presented, and
    429 instead once the address has failed too often. A live token always passes."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    moderator = authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
    if moderator is None:
        wait = count_failed_login()
        raise Unauthorized() if wait is None else TooManyFailedLogins(wait)
    g.moderator = moderator


def current_moderator() -> Moderator:
    return g.moderator


def require_site(site_id: str) -> None:
    if not may_act_on(current_moderator(), site_id):
        raise Forbidden("This token is not allowed to moderate that site.")
