"""Score pending comments: run the checks, store scores and reasons, decide their status.

Comments are decided in batches, in one transaction per batch: the models score
all the batch's texts in one call, the sites and bans are read once, the status
changes and thread counts are written together and committed once. A crash or a
database error before the commit leaves every comment in the batch pending, for a
re-run (the sweeper re-enqueues what stays pending). A comment whose checks raise
fails alone: the others are decided, it stays pending with its failure counted, and
its ``MAX_SCORING_FAILURES``-th failure holds it for a moderator (``scoring_error``).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from ..comments.changes import change_status, republish_threads
from ..comments.store import DECIDED_FIELDS, write_decided
from ..extensions import db
from ..lifecycle import Role, Status
from ..orm import Comment, Site
from ..platform.database import one_of
from ..platform.logs import request_id
from ..platform.metrics import SCORING_LATENCY
from .checks import DEFAULT_CHECKS, Check, Outcome, decide, prepare, without_quotes

log = logging.getLogger(__name__)

MAX_SCORING_FAILURES = 3
SCORING_ERROR = "scoring_error"


@dataclass(frozen=True)
class Decided:
    """What the log line says once the batch is committed (the ORM rows are expired then).

    A comment whose checks raised is still ``pending``, with what raised in ``error``.
    """

    comment_id: int
    public_id: str
    status: Status
    actor: str
    error: str | None = None


def score_comments(comment_ids: Iterable[int],
                   request_ids: Mapping[int, str | None] | None = None) -> dict[int, Status]:
    """Decide those of ``comment_ids`` still pending; returns their new statuses.

    Ids of comments that are unknown or no longer pending are left out and left
    alone, so re-runs and duplicate messages change nothing. The rows are locked
    (``FOR UPDATE``, in id order so two batches cannot deadlock) and re-read as
    pending under the lock, so two workers given the same id cannot both decide it.
    ``request_ids`` maps a comment to the id of the request that submitted it, for
    its log line. A comment whose checks raised comes back ``pending``, awaiting a
    retry, unless that was its last allowed failure, which holds it.
    """
    ids = sorted(set(comment_ids))
    if not ids:
        return {}
    started = time.perf_counter()
    # Found by their key alone, and the status read under the lock: with "status = pending"
    # in the query, PostgreSQL joined the primary key to the (status, created_at) index, whose
    # pending entries include those of every row decided since the last vacuum (64,000
    # entries walked for 100 ids, 5 ms a batch, under load).
    comments = [comment for comment in db.session.scalars(
        select(Comment).where(one_of(Comment.id, ids)).order_by(Comment.id).with_for_update())
        if comment.status == Status.PENDING]
    if not comments:
        db.session.rollback()
        return {}
    try:
        decided = _decide_all(comments)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    each = (time.perf_counter() - started) / len(decided)
    for done in decided:
        SCORING_LATENCY.observe(each)  # the batch's time, shared by its comments
        token = request_id.set((request_ids or {}).get(done.comment_id, request_id.get()))
        try:
            if done.error:
                log.error("comment %s could not be scored: %s", done.public_id, done.error)
            else:
                log.info("comment %s scored: %s by %s", done.public_id, done.status.value,
                         done.actor)
        finally:
            request_id.reset(token)
    return {done.comment_id: done.status for done in decided}


def _decide_all(comments: list[Comment]) -> list[Decided]:
    """Run the checks on every comment and record the decisions (the caller commits)."""
    sites = {site.id: site for site in db.session.scalars(
        select(Site).where(Site.id.in_({comment.site_id for comment in comments})))}
    configured = current_app.config.get("SCORING_CHECKS", DEFAULT_CHECKS)
    try:
        checks = prepare(configured, comments, sites)
    except SQLAlchemyError:
        raise  # the database failed, not a comment: the whole batch is retried
    except Exception:  # one comment broke a batch-wide check: each runs alone, to find it
        checks = list(configured)
    republished: dict[int, int] = {}
    decided = []
    for comment in comments:
        outcome, error = _decide_one(checks, comment, sites[comment.site_id])
        if outcome is not None:
            _record(comment, outcome, republished)
        status, actor = ((outcome.status, outcome.actor) if outcome
                         else (Status.PENDING, str(Role.SCORING)))
        decided.append(Decided(comment.id, comment.public_id, status, actor, error))
    _write_decided(comments)
    republish_threads(republished)
    return decided


def _decide_one(checks: list[Check], comment: Comment,
                site: Site) -> tuple[Outcome | None, str | None]:
    """The checks' outcome; if they raise, the failure is counted and described (for the log:
    where it was raised, never the message, which may quote the text), and the outcome is
    ``None`` (retry later) or, at the last allowed failure, held with ``scoring_error``."""
    try:
        return decide(checks, comment, site), None
    except SQLAlchemyError:
        raise
    except Exception as error:
        comment.scoring_failures += 1
        frame = traceback.extract_tb(error.__traceback__)[-1]
        failure = (f"{type(error).__name__} at {frame.filename}:{frame.lineno}, "
                   f"failure {comment.scoring_failures} of {MAX_SCORING_FAILURES}")
        if comment.scoring_failures < MAX_SCORING_FAILURES:
            return None, failure
    reasons = [{"check": SCORING_ERROR, "count": MAX_SCORING_FAILURES,
                "detail": f"scoring failed {MAX_SCORING_FAILURES} times"}]
    return Outcome(Status.HELD, str(Role.SCORING), reasons, {}, {}), f"{failure}; held"


def _write_decided(comments: list[Comment]) -> None:
    """Write the batch's decided rows in one statement, keeping the version check.

    Written rows leave the session so its flush does not write them again. A comment
    with changes outside ``DECIDED_FIELDS``, or already flushed (a check's query
    autoflushes), is left to the ORM.
    """
    written = [comment for comment in comments
               if (changed := set(inspect(comment).committed_state))
               and changed <= set(DECIDED_FIELDS)]
    if not written:
        return
    with db.session.no_autoflush:
        rowcount = write_decided(db.session, written)
    if rowcount != len(written):
        raise StaleDataError(f"{len(written) - rowcount} comments changed under the lock")
    for comment in written:
        db.session.expunge(comment)


def _record(comment: Comment, outcome: Outcome, republished: dict[int, int]) -> None:
    comment.scores = outcome.scores
    comment.risk = max(outcome.scores.values(), default=0.0)  # the review queue's order
    comment.reasons = outcome.reasons
    comment.model_versions = outcome.model_versions
    comment.scoring_failures = 0  # a new text (an edit) gets its own tries
    # The log keeps the reasons for the audit tab to word, without the words they quote: an
    # erasure cleans the comment alone (comments/data_requests.py).
    change_status(comment, outcome.status, actor=outcome.actor,
                  reason=_summary(outcome.reasons),
                  details={"scores": outcome.scores, "reasons": without_quotes(outcome.reasons)},
                  republished=republished)


def _summary(reasons: list[dict]) -> str | None:
    return "; ".join(r.get("detail") or r["check"] for r in reasons) or None
