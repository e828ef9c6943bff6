"""Every status change goes through here: checked against the transition table, logged."""

from __future__ import annotations

from sqlalchemy import update

from . import webhooks
from .after_commit import call_after_commit
from .errors import Conflict
from .extensions import db
from .metrics import record_decision
from .orm import Comment, StatusChange, Thread, utcnow
from .status import FINAL_DECISIONS, Status, can_transition


def change_status(comment: Comment, target: Status, *, actor: str, reason: str | None = None,
                  details: dict | None = None) -> StatusChange:
    """Move ``comment`` to ``target`` and append the change to the log (caller commits).

    Raises ``Conflict`` for a transition the table does not allow.
    """
    current = comment.status
    if not can_transition(current, target):
        raise Conflict(f"A {current.value} comment cannot become {target.value}.")
    comment.status = target
    if target in FINAL_DECISIONS:
        comment.decided_at, comment.decided_by = utcnow(), actor
    change = StatusChange(comment_id=comment.id, from_status=current.value,
                          to_status=target.value, actor=actor, reason=reason,
                          details=details or {})
    db.session.add(change)
    _republish(comment.thread_id, current, target)
    call_after_commit(db.session, record_decision, target, actor)
    webhooks.record_event(comment, target)
    return change


def record_submission(comment: Comment) -> None:
    """The first log entry: the comment exists, pending."""
    db.session.add(StatusChange(comment_id=comment.id, from_status=None,
                                to_status=comment.status.value, actor="submission"))


def _republish(thread_id: int, before: Status, after: Status) -> None:
    """Keep the thread's count and list version (its ETag) in step with what is published."""
    delta = (after == Status.APPROVED) - (before == Status.APPROVED)
    if delta:
        republish(thread_id, delta)


def republish(thread_id: int, approved_delta: int = 0) -> None:
    """New list version (and ETag) for a thread whose published comments changed."""
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(approved_count=Thread.approved_count + approved_delta,
                published_version=Thread.published_version + 1)
    )
