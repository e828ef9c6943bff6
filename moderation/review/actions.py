"""What moderators do to comments: decide held ones, take published ones down, ban authors."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..comments.changes import change_status
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from ..lifecycle import MODERATOR_ACTIONS, Actor, Role, Status, moderator_actions
from ..orm import Ban, Comment, Moderator
from ..platform.metrics import MODERATOR_DECISIONS
from .moderators import may_act_on
from .queue import find_comment


@dataclass(frozen=True)
class ItemResult:
    id: str
    ok: bool
    status: Status | None = None
    error: str | None = None
    message: str | None = None


def comment_for(moderator: Moderator, public_id: str) -> Comment:
    """Another site's comment is not found, like an unknown id: 403 would confirm it exists."""
    comment = find_comment(public_id)
    if not may_act_on(moderator, comment.site_id):
        raise NotFound()
    return comment


def decide(moderator: Moderator, public_id: str, decision: str,
           reason: str | None = None) -> Comment:
    """Apply one decision; 409 if the comment is not in a state that decision applies to.

    Two moderators deciding the same comment at once: the row version makes the
    second write fail, so exactly one wins and the other gets 409.
    """
    comment = comment_for(moderator, public_id)
    action = MODERATOR_ACTIONS[decision]
    if comment.status not in action.sources:
        raise Conflict(f"Cannot {decision} a comment that is {comment.status.value}.")
    if decision not in moderator_actions(comment.status, comment.decided_by,
                                         admin=moderator.role == "admin"):
        raise Conflict(f"This comment was already {comment.status.value} "
                       f"by {comment.decided_by}; only an admin can overrule it.")
    try:
        # change_status may flush (autoflush before its own queries): a lost race shows there
        change_status(comment, action.target, actor=str(Actor(Role.MODERATOR, moderator.name)),
                      reason=reason, details={"decision": decision})
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict("Someone else decided this comment first.") from error
    MODERATOR_DECISIONS.labels(decision).inc()
    return comment


def decide_many(moderator: Moderator, items: list[dict]) -> list[ItemResult]:
    """Each item succeeds or fails on its own, in its own transaction."""
    results = []
    for item in items:
        try:
            comment = decide(moderator, item["id"], item["decision"], item.get("reason"))
            results.append(ItemResult(item["id"], True, status=comment.status))
        except ApiError as error:
            db.session.rollback()
            results.append(ItemResult(item["id"], False, error=error.code,
                                      message=error.message))
    return results


def ban_author(moderator: Moderator, public_id: str, reason: str | None) -> Ban:
    """Bar the comment's author (by email HMAC) from the site; idempotent."""
    comment = comment_for(moderator, public_id)
    if comment.email_digest is None:
        raise Conflict("This author's identity was erased.")
    ban = Ban(site_id=comment.site_id, email_digest=comment.email_digest,
              moderator=moderator.name, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(ban)
    except IntegrityError:
        ban = db.session.scalar(select(Ban).where(
            Ban.site_id == comment.site_id, Ban.email_digest == comment.email_digest))
    db.session.commit()
    return ban


def lift_ban(moderator: Moderator, public_id: str) -> bool:
    comment = comment_for(moderator, public_id)
    ban = db.session.scalar(select(Ban).where(
        Ban.site_id == comment.site_id, Ban.email_digest == comment.email_digest))
    if ban is None:
        return False
    db.session.delete(ban)
    db.session.commit()
    return True
