"""The hand-tuned Core statements of the comment's hot paths, in one place.

A submission, the widget's read, a scoring batch and a thread's republish run
these instead of the ORM, which would cost more round trips and more Python per
call than they do (README, Performance). Each is built once, at import (a
statement this size costs more to build than to run), with named parameters of
its column's type, so one prepared statement serves every call. Their column
lists come from the tables or from the typed rows below, never typed twice, and
the services that call them read as domain steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, func, insert, literal, null, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..lifecycle import Role, Status
from ..orm import Comment, StatusChange, Thread
from ..platform.database import autocommit, autocommit_rows
from ..platform.pagination import after

comments, threads, changes = Comment.__table__, Thread.__table__, StatusChange.__table__


# ---- a submission ----

class Prior(NamedTuple):
    """What must be known before accepting a comment, read in one query."""

    thread_id: int | None
    thread_closed: bool
    duplicate: bool
    last_from_address: datetime | None  # within the site's flood interval


@dataclass(frozen=True)
class NewComment:
    """The columns a submission writes; the others get the table's defaults (pending,
    version 1, created now...)."""

    public_id: str
    site_id: str
    thread_id: int
    parent_id: int | None
    author_name: str
    author_url: str | None
    email_ciphertext: bytes | None
    email_digest: str | None
    author_token_digest: str
    ip_digest: str | None
    body: str
    body_digest: str
    body_html: str
    honeypot_filled: bool


# The duplicate and flood checks go by the address (the keyed IP digest), never by the email:
# an answer that depended on the email would tell anyone who guesses an address whether it
# wrote a comment (audit F-02). A NULL ip_digest matches nothing.
_THREAD = (threads.c.site_id == bindparam("site_id"), threads.c.key == bindparam("key"))
_THREAD_ID = select(threads.c.id).where(*_THREAD).scalar_subquery()
_DUPLICATE = exists().where(
    comments.c.thread_id == _THREAD_ID, comments.c.body_digest == bindparam("body_digest"),
    comments.c.ip_digest == bindparam("ip_digest"), comments.c.status != Status.DELETED)
_LAST_FROM_ADDRESS = select(func.max(comments.c.created_at)).where(
    comments.c.site_id == bindparam("site_id"), comments.c.created_at > bindparam("since"),
    comments.c.ip_digest == bindparam("ip_digest"),
).scalar_subquery()
_PRIOR = select(_THREAD_ID, select(threads.c.closed).where(*_THREAD).scalar_subquery(),
                _DUPLICATE)
_PRIOR_WITH_FLOOD = _PRIOR.add_columns(_LAST_FROM_ADDRESS)
_PRIOR = _PRIOR.add_columns(null())

_SUBMITTED = [field.name for field in dataclasses.fields(NewComment)]
_NEW_COMMENT = insert(comments).values({
    name: bindparam(f"new_{name}", type_=comments.c[name].type) for name in _SUBMITTED
}).returning(comments.c.id, comments.c.site_id, comments.c.created_at)
_FIRST_ENTRY = {"from_status": None, "to_status": Status.PENDING.value,
                "actor": str(Role.SUBMISSION), "details": {}}
_new = _NEW_COMMENT.cte("new_comment")
_NEW_COMMENT_WITH_ENTRY = insert(changes).from_select(
    ["comment_id", "site_id", "comment_created_at", "from_status", "to_status", "actor",
     "details", "created_at"],
    select(_new.c.id, _new.c.site_id, _new.c.created_at, null(),
           literal(_FIRST_ENTRY["to_status"]), literal(_FIRST_ENTRY["actor"]),
           literal(_FIRST_ENTRY["details"], changes.c.details.type), _new.c.created_at),
).returning(changes.c.comment_id)


def read_prior(site_id: str, key: str, body_digest: str, ip_digest: str | None,
               since: datetime | None) -> Prior:
    """The thread, the duplicate check and (``since`` given) the flood check: one round trip."""
    (row,) = autocommit_rows(_PRIOR_WITH_FLOOD if since else _PRIOR, {
        "site_id": site_id, "key": key, "body_digest": body_digest, "ip_digest": ip_digest,
        "since": since})
    return Prior(row[0], bool(row[1]), bool(row[2]), row[3])


def insert_comment(new: NewComment) -> int:
    """Write the comment and its first log entry (pending, by "submission") atomically.

    On a connection of their own: on PostgreSQL one data-modifying CTE in autocommit,
    so a single round trip with no BEGIN or COMMIT; SQLite has no DML in a CTE, so two
    statements in one transaction there.
    """
    params = {f"new_{name}": getattr(new, name) for name in _SUBMITTED}
    if db.engine.dialect.name == "postgresql":
        ((comment_id,),) = autocommit_rows(_NEW_COMMENT_WITH_ENTRY, params)
        return comment_id
    with db.engine.begin() as connection:
        row = connection.execute(_NEW_COMMENT, params).one()
        connection.execute(insert(changes), {
            "comment_id": row.id, "site_id": row.site_id, "comment_created_at": row.created_at,
            "created_at": row.created_at, **_FIRST_ENTRY})
    return row.id


# ---- the widget's read ----

class PublishedThread(NamedTuple):
    """A thread's identity and the version of its published list (bumped on every change)."""

    id: int
    published_version: int
    approved_count: int


_parents = comments.alias("parent")
_PUBLISHED_THREAD = select(*(threads.c[name] for name in PublishedThread._fields)).where(*_THREAD)
# Named as a Comment names them (public_id, parent_public_id), so the one public-comment
# schema (web/schemas/public.py) dumps either; the row's own id is for the cursor.
_APPROVED = (
    select(comments.c.id, comments.c.public_id,
           _parents.c.public_id.label("parent_public_id"), comments.c.author_name,
           comments.c.author_url, comments.c.body_html, comments.c.created_at)
    .select_from(comments.outerjoin(_parents, _parents.c.id == comments.c.parent_id))
    .where(comments.c.thread_id == bindparam("thread_id"),
           comments.c.status == Status.APPROVED)
)
PAGE_KEYS = (comments.c.created_at, comments.c.id)
_PAGES = {sort: _APPROVED.order_by(*(key.desc() if sort == "newest" else key
                                     for key in PAGE_KEYS))
          .limit(bindparam("limit")) for sort in ("oldest", "newest")}


def published_thread(site_id: str, key: str) -> PublishedThread | None:
    with autocommit() as connection:
        row = connection.execute(_PUBLISHED_THREAD, {"site_id": site_id, "key": key}).first()
    return PublishedThread(*row) if row else None


def approved_rows(thread_id: int, sort: str, limit: int,
                  position: tuple[datetime, int] | None) -> Sequence[Any]:
    """Up to ``limit`` approved comments in ``sort`` order, after ``position`` if given."""
    query = _PAGES[sort]
    if position:
        query = query.where(after(PAGE_KEYS, position, sort == "newest"))
    with autocommit() as connection:
        return connection.execute(query, {"thread_id": thread_id, "limit": limit}).all()


# ---- status writes ----

_REPUBLISH = (
    update(threads)
    .where(threads.c.id == bindparam("thread"))
    .values(approved_count=threads.c.approved_count + bindparam("delta"),
            published_version=threads.c.published_version + 1)
)


def republish(session: Session, deltas: Mapping[int, int]) -> None:
    """Bump each thread's list version and move its approved count by its delta: one
    executemany, in ascending thread id (two batches cannot deadlock on each other)."""
    session.execute(_REPUBLISH, [{"thread": thread_id, "delta": delta}
                                 for thread_id, delta in sorted(deltas.items())])


# What scoring changes on a comment. The ORM writes a versioned row with one UPDATE per row
# (it checks each row's version); the batch writes them in one executemany instead.
DECIDED_FIELDS = ("status", "decided_at", "decided_by", "scores", "risk", "reasons",
                  "model_versions", "scoring_failures")
_WRITE_DECIDED = (
    update(comments)
    .where(comments.c.id == bindparam("comment_id"),
           comments.c.version == bindparam("expected_version"))
    .values({**{name: bindparam(f"new_{name}", type_=comments.c[name].type)
                for name in DECIDED_FIELDS}, "version": comments.c.version + 1})
)


def write_decided(session: Session, decided: Sequence[Comment]) -> int:
    """Write the ``DECIDED_FIELDS`` of each comment if its version is unchanged; the number
    of rows written."""
    rows = [{"comment_id": comment.id, "expected_version": comment.version,
             **{f"new_{name}": getattr(comment, name) for name in DECIDED_FIELDS}}
            for comment in decided]
    return session.execute(_WRITE_DECIDED, rows).rowcount
