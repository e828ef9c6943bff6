"""Score one pending comment: run the checks, store scores and reasons, decide its status."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from .checks import DEFAULT_CHECKS, decide
from .decisions import change_status
from .extensions import db
from .orm import Comment, Site
from .status import Status

log = logging.getLogger(__name__)


def score_comment(comment_id: int) -> Status | None:
    """Decide a pending comment; a no-op (returns None) for any other, so re-runs change nothing.

    The row is locked for the decision so two workers given the same id (the
    sweeper re-enqueues) cannot both decide it.
    """
    comment = db.session.execute(
        select(Comment).where(Comment.id == comment_id).with_for_update()
    ).scalar_one_or_none()
    if comment is None or comment.status != Status.PENDING:
        db.session.rollback()
        return None
    site = db.session.get(Site, comment.site_id)
    checks = current_app.config.get("SCORING_CHECKS", DEFAULT_CHECKS)
    outcome = decide(checks, comment, site)
    comment.spam_score = outcome.scores.get("spam")
    comment.toxicity_score = outcome.scores.get("toxicity")
    comment.risk = max(outcome.scores.values(), default=0.0)  # the review queue's order
    comment.reasons = outcome.reasons
    comment.model_versions = outcome.model_versions
    change_status(comment, outcome.status, actor=outcome.actor,
                  reason=_summary(outcome.reasons), details={"scores": outcome.scores})
    db.session.commit()
    log.info("comment %s scored: %s by %s", comment.public_id, outcome.status.value,
             outcome.actor)
    return outcome.status


def _summary(reasons: list[dict]) -> str | None:
    return "; ".join(r.get("detail") or r["check"] for r in reasons) or None
