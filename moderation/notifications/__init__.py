"""Reply notifications by email (issue #17): subscriptions, signed links, mail."""

from __future__ import annotations

from flask import Flask

from ..outbox import queueing
from . import replies, subscriptions


def init_app(app: Flask) -> None:
    queueing.register(app, subscriptions.SEND_CONFIRMATION, subscriptions.send_confirmation)
    queueing.register(app, replies.SEND_REPLIES, replies.send_notifications)
