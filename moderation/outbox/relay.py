"""The relay: hand pending comments (the outbox) to scoring, in batches, each claim once.

A submission only commits its comment; the relay claims pending comments no
relay has handed on yet, or whose claim is older than ``RELAY_CLAIM_SECONDS``
(a message lost with a killed worker, or refused by a broker that was away),
stamps them ``queued_at`` and publishes their ids as one job. Claims take
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several relays never claim the
same comment; SQLite runs one writer at a time, so its claim is atomic as is.
The relay polls every ``POLL_SECONDS``: a trigger's ``NOTIFY`` per comment (migration
0008, dropped by 0017) made PostgreSQL commit every submission one after another (the
lock that keeps notifications in commit order is held through the commit's WAL flush),
which halved the rate of concurrent submissions. Scoring is idempotent, so a comment
handed on twice (a claim that aged in a backlog) is still decided once.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import ColumnElement, bindparam, exists, or_, select
from sqlalchemy.exc import SQLAlchemyError

from .. import scoring
from ..extensions import db
from ..lifecycle import Status
from ..notifications import due
from ..orm import NEVER_HANDED_ON, PENDING, Comment, utcnow
from ..platform.database import autocommit_rows
from . import queueing
from .claims import claim_rows

log = logging.getLogger(__name__)

BATCH = 100  # ids per job: what the worker scores in one transaction
HEARTBEAT = "relay-heartbeat"  # touched after every pass: compose's healthcheck reads it
# Between passes: a comment waits at most this long to be handed on, and a steady stream is
# handed on in batches, not one job per comment, whose cost then set the worker's pace
# (1.6 ids a job at 50/s with two relays woken per comment: claims aged in the queue and
# were published again). An idle relay's pass is one indexed query (_ANY_CLAIMABLE).
POLL_SECONDS = 0.2
# Owed mail is due to the second (MAIL_CLAIM_SECONDS apart): looked for on one pass a
# second, not five (three claims of 0.8 ms of CPU each when there is nothing to claim).
MAIL_EVERY_SECONDS = 1.0


def _claimable(handed_on_before: ColumnElement[datetime] | datetime
               ) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """Pending and handed on before that time (the claim has aged), and pending and never
    handed on: two conditions, the first a range of the (status, queued_at, id) index, the
    second the whole of ix_comments_unclaimed (SQLite reads it off the first index too).

    Joined by one OR they narrowed that index by status alone: every probe walked every
    pending comment, those handed on and awaiting their decision included, and the entries
    of rows updated since (just after a minute of submissions decided alongside, a probe
    found nothing in 11 ms, through 33,267 heap fetches; now one range is empty at once).
    The status is written into the SQL (``PENDING``): bound, it left an idle relay at
    100,000 comments, none pending, scanning the whole table (12 % of a core)."""
    return [PENDING, Comment.queued_at <= handed_on_before], [NEVER_HANDED_ON]


# Whether a pass has anything to claim: what an idle relay asks every POLL_SECONDS, a
# tenth of a claim's CPU (the claim is an UPDATE and a commit through the session).
_ANY_CLAIMABLE = select(or_(*(exists().where(*where) for where in _claimable(
    bindparam("handed_on_before", type_=Comment.__table__.c.queued_at.type)))))


def _claim_age(claim_age: float | None) -> timedelta:
    return timedelta(seconds=current_app.config["RELAY_CLAIM_SECONDS"]
                     if claim_age is None else claim_age)


def claim(limit: int = BATCH, claim_age: float | None = None) -> list[int]:
    """Claim up to ``limit`` pending comments and commit the claim."""
    now = utcnow()
    claimed: list[int] = []
    for where in _claimable(now - _claim_age(claim_age)):  # aged claims, the oldest, first
        claimed += claim_rows(Comment, *where, order_by=Comment.id, limit=limit - len(claimed),
                              stamp={"queued_at": now})
        if len(claimed) == limit:
            break
    db.session.commit()  # both claims at once
    return sorted(claimed)


def publish_pending(claim_age: float | None = None) -> int:
    """One batch claimed and published; returns how many comments it held."""
    claimed = claim(claim_age=claim_age)
    if claimed:
        queueing.publish(queueing.SCORE_COMMENTS, claimed)
    return len(claimed)


def publish_all_pending(claim_age: float | None = None) -> int:
    """Batches until none is full (the sweeper's and a woken relay's pass)."""
    total = 0
    while published := publish_pending(claim_age):
        total += published
        if published < BATCH:
            break
    return total


def hand_over(comment_id: int) -> Status:
    """What the 202 says. With a broker the relay takes it from here (pending: nothing on the
    request path talks to the broker); in-process it is scored now, so usually final. A
    comment written a moment ago has never been handed on: one claim, of it alone."""
    if queueing.has_broker():
        return Status.PENDING
    claimed = claim_rows(Comment, NEVER_HANDED_ON, Comment.id == comment_id, order_by=Comment.id,
                         limit=1, stamp={"queued_at": utcnow()})
    db.session.commit()
    if not claimed:  # a relay took it first
        return Status.PENDING
    return queueing.publish(queueing.SCORE_COMMENTS, [comment_id]).get(comment_id, Status.PENDING)


def score_in_process(comment_ids: list[int]) -> dict[int, Status]:
    """The scoring job without a broker: a comment whose checks raised is tried again at once,
    up to its last allowed failure (which holds it), so nothing waits for a sweeper."""
    statuses = scoring.score_comments(comment_ids)
    for _ in range(scoring.MAX_SCORING_FAILURES - 1):
        failed = [comment_id for comment_id, status in statuses.items()
                  if status == Status.PENDING]
        if not failed:
            break
        statuses |= scoring.score_comments(failed)
    return statuses


def run(app: Flask, stop: threading.Event) -> None:
    """Relay until ``stop`` is set: a pass every ``POLL_SECONDS``. Survives the database and
    the broker going away: it logs, and tries again at the next pass."""
    with app.app_context():
        heartbeat = Path(app.instance_path, HEARTBEAT)
        mail_looked_at = float("-inf")
        while not stop.is_set():
            mail = time.monotonic() - mail_looked_at >= MAIL_EVERY_SECONDS
            if mail:
                mail_looked_at = time.monotonic()
            _pass(mail)
            heartbeat.touch()
            stop.wait(POLL_SECONDS)


def _pass(mail: bool) -> None:
    try:
        ((claimable,),) = autocommit_rows(_ANY_CLAIMABLE, {
            "handed_on_before": utcnow() - _claim_age(None)})
        if claimable:
            publish_all_pending()
        if mail:
            due.publish_due()  # subscribers' mail owed by now (notifications/due.py)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("relay pass failed: %s", type(error).__name__)
    finally:
        db.session.remove()


class InProcessRelay:
    """The relay as a daemon thread of this process (embedded mode, tests)."""

    def __init__(self, app: Flask):
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=run, args=(app, self.stopping), name="relay",
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


def init_app(app: Flask) -> None:
    queueing.register(app, queueing.SCORE_COMMENTS, score_in_process)
