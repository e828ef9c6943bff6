"""The comment lifecycle in one table: statuses, the actions that move a comment, who takes them.

``comments/changes.py`` checks every status change against ``ACTIONS`` and nothing else
checks; the moderation API, its schemas, the webhooks and the review page
(``GET /api/v1/moderation/actions``) read the same rows. A new action is one row here
(and one enum member if it brings a new status).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    HELD = "held"
    SPAM = "spam"
    REJECTED = "rejected"
    DELETED = "deleted"


class Role(enum.StrEnum):
    """Who acts. A stored actor is ``role`` or ``role:name`` (see ``Actor``)."""

    SUBMISSION = "submission"  # the first log entry of every comment
    SCORING = "scoring"  # no check objected, or scoring itself failed
    CHECK = "check"  # a rule check: check:links, check:word_lists, ...
    MODEL = "model"  # a model: model:toxicity-2026.12.02
    MODERATOR = "moderator"  # moderator:ann
    AUTHOR = "author"
    PRIVACY = "privacy"  # privacy:erasure


FINAL_DECISIONS = frozenset({Status.APPROVED, Status.HELD, Status.SPAM, Status.REJECTED})
REFUSED = frozenset({Status.SPAM, Status.REJECTED})
VISIBLE = frozenset(Status) - {Status.DELETED}
SCORERS = frozenset({Role.SCORING, Role.CHECK, Role.MODEL})
AUTHOR_CHANGEABLE = frozenset({Status.PENDING, Status.HELD, Status.APPROVED})


@dataclass(frozen=True)
class Action:
    """One move: to which status, from which, by whom; and, for a moderator's, how the review
    page offers it (button label, what it says once done, keyboard key)."""

    name: str
    target: Status
    sources: frozenset[Status]
    roles: frozenset[Role]
    label: str = ""
    done: str = ""
    key: str = ""


ACTIONS: dict[str, Action] = {action.name: action for action in (
    # scoring decides a pending comment
    *(Action(f"score_{status}", status, frozenset({Status.PENDING}), SCORERS)
      for status in sorted(FINAL_DECISIONS)),
    # moderators decide what awaits, or re-decide a refusal; takedown unpublishes
    Action("approve", Status.APPROVED, frozenset({Status.PENDING, Status.HELD, *REFUSED}),
           frozenset({Role.MODERATOR}), "Approve", "Approved", "a"),
    Action("reject", Status.REJECTED, frozenset({Status.PENDING, Status.HELD, Status.SPAM}),
           frozenset({Role.MODERATOR}), "Reject", "Rejected", "r"),
    Action("spam", Status.SPAM, frozenset({Status.PENDING, Status.HELD, Status.REJECTED}),
           frozenset({Role.MODERATOR}), "Spam", "Marked as spam", "s"),
    Action("takedown", Status.REJECTED, frozenset({Status.APPROVED}),
           frozenset({Role.MODERATOR}), "Take down", "Taken down", "t"),
    # authors edit (scored again from pending) or delete their own, within the edit window
    Action("edit", Status.PENDING, AUTHOR_CHANGEABLE - {Status.PENDING},
           frozenset({Role.AUTHOR})),
    Action("delete", Status.DELETED, AUTHOR_CHANGEABLE, frozenset({Role.AUTHOR})),
    # erasure removes whatever is still visible
    Action("erase", Status.DELETED, VISIBLE, frozenset({Role.PRIVACY})),
)}
MODERATOR_ACTIONS = {name: a for name, a in ACTIONS.items() if Role.MODERATOR in a.roles}

# What a site's own systems hear (webhook event) when a comment reaches a status.
EVENTS = {
    Status.APPROVED: "comment.approved",
    Status.HELD: "comment.held",
    Status.REJECTED: "comment.rejected",
    Status.SPAM: "comment.rejected",
    Status.DELETED: "comment.deleted",
}

@dataclass(frozen=True)
class Actor:
    """Who made a change, stored in ``StatusChange.actor`` as ``role`` or ``role:name``."""

    role: Role
    name: str = ""

    def __str__(self) -> str:
        return f"{self.role}:{self.name}" if self.name else str(self.role)

    @classmethod
    def parse(cls, stored: str | None) -> Actor | None:
        role, _, name = (stored or "").partition(":")
        return cls(Role(role), name) if role in set(Role) else None


def allowed(role: Role, current: Status, target: Status) -> bool:
    """Whether some action lets ``role`` move a comment from ``current`` to ``target``."""
    return any(role in a.roles and current in a.sources and a.target is target
               for a in ACTIONS.values())


def moderator_actions(current: Status, decided_by: str | None, admin: bool) -> list[str]:
    """The actions a moderator may take on a comment now. A refusal made by a moderator only
    an admin may overrule: else the later of two moderators who both saw it held would
    silently overrule the first (a machine's refusal anyone may rescue)."""
    decider = Actor.parse(decided_by)
    if current in REFUSED and decider and decider.role is Role.MODERATOR and not admin:
        return []
    return [name for name, action in MODERATOR_ACTIONS.items() if current in action.sources]
