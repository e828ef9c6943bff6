"""Comment statuses and the one table of allowed transitions."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    HELD = "held"
    SPAM = "spam"
    REJECTED = "rejected"
    DELETED = "deleted"


FINAL_DECISIONS = frozenset({Status.APPROVED, Status.HELD, Status.SPAM, Status.REJECTED})

ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    # scoring decides; the author may delete before it does
    Status.PENDING: FINAL_DECISIONS | {Status.DELETED},
    # moderators decide held comments; authors may edit (re-score) or delete
    Status.HELD: frozenset({Status.APPROVED, Status.SPAM, Status.REJECTED, Status.PENDING,
                            Status.DELETED}),
    # moderators take published comments down; authors may edit or delete
    Status.APPROVED: frozenset({Status.REJECTED, Status.SPAM, Status.PENDING, Status.DELETED}),
    # a moderator may rescue a false positive; erasure may delete anything
    Status.SPAM: frozenset({Status.APPROVED, Status.REJECTED, Status.DELETED}),
    Status.REJECTED: frozenset({Status.APPROVED, Status.SPAM, Status.DELETED}),
    Status.DELETED: frozenset(),
}


def can_transition(current: Status, target: Status) -> bool:
    return target in ALLOWED_TRANSITIONS[current]
