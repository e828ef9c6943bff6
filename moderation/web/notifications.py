"""The links in our emails: confirm reply notifications, and unsubscribe (RFC 8058)."""

from __future__ import annotations

from flask import render_template
from flask_smorest import Blueprint

from ..notifications import subscriptions
from .schemas.notifications import Confirmed, LinkToken

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Where the links in notification emails lead.")


@blp.route("/confirm")
@blp.arguments(LinkToken, location="query")
@blp.response(200, Confirmed)
@blp.alt_response(404, description="The link is not valid or has expired.")
def confirm(args):
    """Double opt-in: confirm the address the link was sent to. Opening it again is fine."""
    subscriptions.confirm(args["token"])
    return {"confirmed": True}


@blp.route("/unsubscribe", methods=["GET"])
@blp.arguments(LinkToken, location="query")
@blp.response(200, content_type="text/html")
def unsubscribe_page(args):
    """The page behind the email's link: a button, since mail scanners open every link."""
    return render_template("unsubscribe.html", done=False)


@blp.route("/unsubscribe", methods=["POST"])
@blp.arguments(LinkToken, location="query")
@blp.response(200, content_type="text/html")
@blp.alt_response(404, description="The link is not valid or has expired.")
def unsubscribe(args):
    """One click (``List-Unsubscribe-Post``, RFC 8058) or the page's button: no more email."""
    subscriptions.unsubscribe(args["token"])
    return render_template("unsubscribe.html", done=True)
