"""Every status change goes through here: checked against the lifecycle table, logged."""

from __future__ import annotations

from sqlalchemy import bindparam, update

from ..errors import Conflict
from ..extensions import db
from ..lifecycle import FINAL_DECISIONS, Actor, Status, allowed
from ..notifications import replies
from ..orm import Comment, StatusChange, Thread, utcnow
from ..outbox import webhooks
from ..outbox.after_commit import call_after_commit
from ..platform.metrics import record_decision
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
    different orders could deadlock).
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
    if delta and republished is not None:
        republished[comment.thread_id] = republished.get(comment.thread_id, 0) + delta
    elif delta:
        republish(comment.thread_id, delta)
    call_after_commit(db.session, record_decision, target, actor)
    webhooks.record_event(comment, target)
    replies.record_reply(comment, target)
    return change


def republish(thread_id: int, approved_delta: int = 0) -> None:
    """New list version (and ETag) for a thread whose published comments changed."""
    call_after_commit(db.session, forget_published_versions)
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(approved_count=Thread.approved_count + approved_delta,
                published_version=Thread.published_version + 1)
    )


_threads = Thread.__table__
_REPUBLISH = (
    update(_threads)
    .where(_threads.c.id == bindparam("thread"))
    .values(approved_count=_threads.c.approved_count + bindparam("delta"),
            published_version=_threads.c.published_version + 1)
)


def republish_threads(deltas: dict[int, int]) -> None:
    """``republish`` for many threads in one executemany, in ascending thread id."""
    if deltas:
        call_after_commit(db.session, forget_published_versions)
        db.session.execute(_REPUBLISH, [{"thread": thread_id, "delta": delta}
                                        for thread_id, delta in sorted(deltas.items())])
