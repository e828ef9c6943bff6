"""Every status change goes through here: checked against the lifecycle table, logged."""

from __future__ import annotations

from ..errors import Conflict
from ..extensions import db
from ..lifecycle import FINAL_DECISIONS, Actor, Status, allowed
from ..notifications import replies
from ..orm import Comment, StatusChange, utcnow
from ..outbox import webhooks
from ..outbox.after_commit import call_after_commit
from ..platform.metrics import record_decision
from . import store
from .publishing import forget_published_versions


def change_status(comment: Comment, target: Status, *, actor: str, reason: str | None = None,
                  details: dict | None = None,
                  republished: dict[int, int] | None = None) -> StatusChange:
    """Move ``comment`` to ``target`` and append the change to the log (caller commits).

    Raises ``Conflict`` unless an action of ``lifecycle.ACTIONS`` lets the actor's role
    make this move. A batch passes
    ``republished``: each thread's change to its approved count is added up there, for
    ``republish_threads`` to apply once per thread, in thread order (one statement per
    comment would cost a round trip each, and two batches updating the same threads in
    different orders could deadlock). Without it, one comment is a batch of one.
    """
    current, who = comment.status, Actor.parse(actor)
    if who is None or not allowed(who.role, current, target):
        raise Conflict(f"A {current.value} comment cannot become {target.value}.")
    comment.status = target
    if target in FINAL_DECISIONS:
        comment.decided_at, comment.decided_by = utcnow(), actor
    change = StatusChange(comment_id=comment.id, site_id=comment.site_id,
                          comment_created_at=comment.created_at, from_status=current.value,
                          to_status=target.value, actor=actor, reason=reason,
                          details=details or {})
    db.session.add(change)
    delta = (target == Status.APPROVED) - (current == Status.APPROVED)
    if delta:
        batch = {} if republished is None else republished
        batch[comment.thread_id] = batch.get(comment.thread_id, 0) + delta
        if republished is None:
            republish_threads(batch)
    call_after_commit(db.session, record_decision, target, actor)
    webhooks.record_event(comment, target)
    replies.record_reply(comment, target)
    return change


def republish_threads(deltas: dict[int, int]) -> None:
    """A new list version (and ETag) for each thread whose published comments changed, its
    approved count moved by its delta: one executemany, in ascending thread id."""
    if deltas:
        call_after_commit(db.session, forget_published_versions)
        store.republish(db.session, deltas)
