"""The pages the links in our emails open: confirm reply notifications, unsubscribe.

Plain pages for a reader's browser, outside the JSON API and its spec. Unsubscribing
takes a ``POST``: the one-click ``List-Unsubscribe-Post`` of RFC 8058, or the page's
button, since mail scanners open every link they see.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..notifications import subscriptions

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE_POLICY = ("default-src 'none'; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")


@bp.after_request
def _policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/confirm")
def confirm() -> str:
    """Double opt-in: confirm the address the link was sent to. Opening it again is fine."""
    subscriptions.confirm(request.args.get("token", ""))
    return render_template("notifications.html", page="confirmed")


@bp.get("/unsubscribe")
def unsubscribe_page() -> str:
    return render_template("notifications.html", page="unsubscribe")


@bp.post("/unsubscribe")
def unsubscribe() -> str:
    subscriptions.unsubscribe(request.args.get("token", ""))
    return render_template("notifications.html", page="unsubscribed")
