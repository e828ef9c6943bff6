"""The outbox of subscribers' mail: publish the confirmation and reply jobs that are due.

An email owed to an address is a time on its subscription (``confirmation_due_at``,
``replies_due_at``): when a relay should publish its job. Whoever owes it sets it (the
opt-in, a published reply, a job told to wait for the end of its batch time) and
publishes at once when it may; every relay pass, and the sweeper, publishes the rows
whose time has come and moves it MAIL_CLAIM_SECONDS on. So a job the broker refused
while away, or lost with a worker, goes out once it is back, while one still being
retried is not doubled; the job clears the time once it has sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Column

from ..extensions import db
from ..orm import Subscription, utcnow
from ..outbox.claims import claim_rows
from ..outbox.queueing import publish

log = logging.getLogger(__name__)

SEND_CONFIRMATION = "workers.tasks.send_confirmation"
SEND_REPLIES = "workers.tasks.send_reply_notifications"
BATCH = 100
_JOBS: tuple[tuple[Column, str], ...] = (
    (Subscription.__table__.c.confirmation_due_at, SEND_CONFIRMATION),
    (Subscription.__table__.c.replies_due_at, SEND_REPLIES),
)


def retry_at() -> datetime:
    """When a job published now is published again if it has not sent by then."""
    return utcnow() + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])


def publish_due() -> int:
    """Claim and publish the jobs whose time has come; returns how many."""
    published = 0
    for column, job in _JOBS:
        claimed = _claim(column)
        for subscription_id in claimed:
            publish(job, subscription_id)
        published += len(claimed)
    return published


def _claim(column: Column) -> list[int]:
    claimed = claim_rows(Subscription, column <= utcnow(), order_by=column, limit=BATCH,
                         stamp={column.name: retry_at()})
    db.session.commit()
    return claimed


def in_process(send: Callable[[int], object]) -> Callable[[int], object]:
    """The job without a broker: one attempt; an SMTP failure leaves the email due (a relay
    pass tries again after MAIL_CLAIM_SECONDS) instead of failing the request or relay."""
    def attempt(subscription_id: int) -> object:
        try:
            return send(subscription_id)
        except (smtplib.SMTPException, OSError) as error:
            db.session.rollback()
            log.warning("mail not sent, left due: %s", type(error).__name__)
            return False

    return attempt
