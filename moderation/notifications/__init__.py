"""Reply notifications by email (issue #17): subscriptions, signed links, mail, digests."""

from __future__ import annotations

from flask import Flask

from ..outbox import queueing
from . import due, replies, subscriptions


def init_app(app: Flask) -> None:
    queueing.register(app, due.SEND_CONFIRMATION, due.in_process(subscriptions.send_confirmation))
    queueing.register(app, due.SEND_REPLIES, due.in_process(replies.send_notifications))
