"""The author's own comment: read it with its status, edit or delete it within the edit window.

Possession of the author token (returned once, at submission) is the proof of
authorship; only its SHA-256 is stored.
"""

from __future__ import annotations

import hmac
import math
from datetime import timedelta

from flask import current_app
from limits import parse

from ..errors import Conflict, EditWindowClosed, Forbidden, NotFound, RateLimited, ThreadClosed
from ..extensions import db
from ..lifecycle import AUTHOR_CHANGEABLE, Actor, Role, Status
from ..orm import Comment, utcnow
from ..outbox.relay import hand_over
from ..privacy import token_digest
from .changes import change_status
from .lookup import find_by_public_id
from .rendering import render_body
from .submission import body_digest

AUTHOR = str(Actor(Role.AUTHOR))



def _find(public_id: str) -> Comment:
    comment = find_by_public_id(public_id)
    if comment is None or comment.status == Status.DELETED:
        raise NotFound()
    return comment


def is_author(comment: Comment, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(comment.author_token_digest, token_digest(token))


def read_comment(public_id: str, token: str | None) -> tuple[Comment, bool]:
    """The comment and whether the caller is its author; 404 for others unless published."""
    comment = _find(public_id)
    author = is_author(comment, token)
    if not author and comment.status != Status.APPROVED:
        raise NotFound()
    return comment, author


def _authorised_for_change(public_id: str, token: str | None) -> Comment:
    comment, author = read_comment(public_id, token)
    if not author:
        raise Forbidden("Only the author can change this comment.")
    if comment.status not in AUTHOR_CHANGEABLE:
        raise Conflict("This comment can no longer be changed.")
    if utcnow() > comment.editable_until:
        raise EditWindowClosed()
    return comment


def _count_edit(comment: Comment) -> None:
    """At most ``COMMENT_EDIT_LIMIT`` edits per comment per period (a window opened by its
    first edit): each edit is scored again and may notify the site, so one author token must
    not buy unlimited work. Counted on the row the edit loads and writes anyway, so the count
    survives restarts and is shared by every replica at no extra round trip; two edits at
    once still cannot both pass, as the row's version refuses the second (409)."""
    limit, now = parse(current_app.config["COMMENT_EDIT_LIMIT"]), utcnow()
    period = timedelta(seconds=limit.get_expiry())
    if comment.recent_edits_since is None or now >= comment.recent_edits_since + period:
        comment.recent_edits, comment.recent_edits_since = 0, now
    if comment.recent_edits >= limit.amount:
        wait = comment.recent_edits_since + period - now
        raise RateLimited(max(1, math.ceil(wait.total_seconds())))
    comment.recent_edits += 1


def edit_comment(public_id: str, token: str | None, body: str) -> Comment:
    """New text is scored again from scratch: an approved comment goes back to pending.

    Not on a closed thread, where no new words may appear (deleting stays allowed)."""
    comment = _authorised_for_change(public_id, token)
    if comment.thread.closed:
        raise ThreadClosed()
    _count_edit(comment)
    comment.body, comment.body_html = body, render_body(body)
    comment.body_digest = body_digest(body)
    comment.scores, comment.reasons, comment.model_versions = {}, [], {}
    if comment.status != Status.PENDING:
        change_status(comment, Status.PENDING, actor=AUTHOR, reason="edited")
    comment.queued_at = None  # back in the outbox
    comment_id = comment.id
    db.session.commit()
    # As at submission: read the id before commit, so the expired row reloads the new decision.
    hand_over(comment_id)
    return comment


def delete_comment(public_id: str, token: str | None) -> None:
    """The text goes; the row and its log stay, so replies and the audit trail hold.

    Allowed on a closed thread too: readers may always take back their own words."""
    comment = _authorised_for_change(public_id, token)
    change_status(comment, Status.DELETED, actor=AUTHOR, reason="deleted by author")
    comment.body = comment.body_html = ""
    db.session.commit()
