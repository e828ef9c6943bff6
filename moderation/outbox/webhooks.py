"""Signed webhooks: tell a site's own systems when a comment is published, held or removed.

Deliveries use an outbox: the delivery row is written in the same transaction
as the status change, and published only after commit, so an event is neither
lost nor sent for a change that rolled back (the sweeper publishes what a
broker outage left behind). The row names the
comment and the body is built when it is sent: it carries what the public API
shows, never the email, and for a comment whose author was erased only the ids
and the status (an erasure thus needs to scrub no stored event).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from flask import Flask
from sqlalchemy import event, select

from ..extensions import db
from ..lifecycle import EVENTS, Status
from ..orm import Comment, Site, Thread, WebhookDelivery, utcnow
from ..privacy import privacy
from .after_commit import call_after_commit
from .queueing import DELIVER_WEBHOOK, publish, register

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 5
USER_AGENT = "comment-moderation-webhooks/1"
# An author's erasure in "anonymise" mode: mirrors drop the name and link, the text stays.
ANONYMISED = "comment.anonymised"
# No redirect handler: a 3xx is an answer, never a hop that would carry the signature to
# another address (an internal one, say) and count an event delivered that never was.
_OPENER = urllib.request.OpenerDirector()
for _handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                 urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                 urllib.request.HTTPErrorProcessor()):
    _OPENER.add_handler(_handler)


class DeliveryFailed(Exception):
    """A transient failure (3xx, 5xx, 408, 429, network): the task retries with backoff."""


def record_event(comment: Comment, status: Status, name: str | None = None) -> None:
    """Queue an event for the comment's site, if it has a webhook (caller commits).

    ``name`` defaults to the status's event; erasure passes ``ANONYMISED``.
    """
    site = db.session.get(Site, comment.site_id)
    name = name or EVENTS.get(status)
    if site is None or not site.webhook_url or name is None:
        return
    delivery = WebhookDelivery(site_id=site.id, comment_id=comment.id, event=name,
                               status=status.value)
    db.session.add(delivery)
    db.session.flush()
    call_after_commit(db.session, publish, DELIVER_WEBHOOK, delivery.id)


def payload(delivery: WebhookDelivery) -> dict:
    """The event's body, from the comment as it is now; ids and status only once erased.

    Every submission has an email, so a comment without its email digest is one whose
    author was erased.
    """
    comment = db.session.get(Comment, delivery.comment_id)
    announced: dict[str, object] = {"id": comment.public_id, "status": delivery.status}
    if comment.email_digest is not None:
        announced |= {"author_name": comment.author_name, "author_url": comment.author_url,
                      "body_html": comment.body_html,
                      "created_at": comment.created_at.isoformat()}
    return {"event": delivery.event, "site": delivery.site_id,
            "thread": db.session.get(Thread, comment.thread_id).key, "comment": announced,
            "occurred_at": delivery.created_at.isoformat()}


def url_warning(url: str | None) -> str | None:
    """Why an ``http://`` webhook is a risk; None for https or none. For logs and the CLI."""
    if url and url.lower().startswith("http://"):
        return ("the webhook URL is http://: events and their signatures cross the network "
                "unencrypted; use https")
    return None


@event.listens_for(Site.webhook_url, "set")
def _warn_on_plain_http(site: Site, url: str | None, _old, _initiator) -> None:
    """Whoever sets the URL (CLI, script, migration of a site) leaves a warning in the log."""
    warning = url_warning(url)
    if warning:
        log.warning("site %s: %s", site.id, warning)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What receivers recompute: HMAC-SHA256 over ``timestamp.body``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def deliver(delivery_id: int) -> str:
    """Send one delivery; idempotent once delivered. Raises DeliveryFailed to be retried."""
    delivery = db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    ).scalar_one_or_none()
    if delivery is None or delivery.state != "pending":
        db.session.rollback()
        return delivery.state if delivery else "missing"
    site = db.session.get(Site, delivery.site_id)
    if not site.webhook_url:  # turned off since the event
        delivery.state, delivery.last_error = "failed", "webhook turned off"
        db.session.commit()
        return delivery.state
    body = json.dumps(payload(delivery), separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(site.webhook_url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Moderation-Event": delivery.event, "X-Moderation-Delivery": delivery.public_id,
        "X-Moderation-Timestamp": timestamp,
        "X-Moderation-Signature": signature(privacy().open_secret(site.webhook_secret_ciphertext),
                                            timestamp, body),
    })
    delivery.attempts += 1
    code, error = _post(request)
    delivery.last_status_code, delivery.last_error = code, error
    transient = code is None or code >= 500 or code in (408, 429) or 300 <= code < 400
    if code is not None and 200 <= code < 300:
        delivery.state, delivery.delivered_at = "delivered", utcnow()
    elif not transient or delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = "failed"
    db.session.commit()
    if delivery.state == "pending":
        raise DeliveryFailed(f"delivery {delivery_id}: {error or code}")
    return delivery.state


def _post(request: urllib.request.Request) -> tuple[int | None, str | None]:
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, type(error).__name__


def deliver_in_process(delivery_id: int) -> str:
    """The job without a broker: one attempt; a failure is left pending for the sweeper
    rather than retried inside the request that caused it."""
    try:
        return deliver(delivery_id)
    except DeliveryFailed:
        return "pending"


def init_app(app: Flask) -> None:
    register(app, DELIVER_WEBHOOK, deliver_in_process)
