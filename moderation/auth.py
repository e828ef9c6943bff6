"""Bearer-token authentication for the moderation API."""

from __future__ import annotations

from flask import g, request

from .errors import ApiError, Forbidden
from .moderators import authenticate, may_act_on
from .orm import Moderator


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"
    message = "A valid moderator token is required (Authorization: Bearer <token>)."

    def __init__(self):
        super().__init__(headers={"WWW-Authenticate": 'Bearer realm="moderation"'})


def require_moderator() -> None:
    """``before_request`` of the moderation API: 401 unless a live token is presented."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    moderator = authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
    if moderator is None:
        raise Unauthorized()
    g.moderator = moderator


def current_moderator() -> Moderator:
    return g.moderator


def require_site(site_id: str) -> None:
    if not may_act_on(current_moderator(), site_id):
        raise Forbidden("This token is not allowed to moderate that site.")
