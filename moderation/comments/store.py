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
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    CTE,
    Insert,
    Select,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    not_,
    null,
    select,
    update,
)
from sqlalchemy.orm import Session

from ..extensions import db
from ..lifecycle import Role, Status
from ..orm import Comment, StatusChange, Thread
from ..platform.database import autocommit, autocommit_rows
from ..platform.pagination import after

comments, threads, changes = Comment.__table__, Thread.__table__, StatusChange.__table__


# ---- a submission ----

class Prior(NamedTuple):
    """What decides whether a comment is accepted, read by the statement that writes it."""

    thread_id: int | None
    thread_closed: bool
    duplicate: bool
    last_from_address: datetime | None  # within the site's flood interval
    parent_id: int | None  # the reply's parent, if it is a published comment of the thread
    comment_id: int | None  # the new comment, if nothing refused it


@dataclass(frozen=True)
class NewComment:
    """The columns a submission writes besides its thread and parent (which the statement
    that writes it looks up); the others get the table's defaults (pending, version 1,
    created now...)."""

    public_id: str
    site_id: str
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
_PARENT = select(comments.c.id).where(
    comments.c.public_id == bindparam("parent_public_id"), comments.c.thread_id == _THREAD_ID,
    comments.c.status == Status.APPROVED).scalar_subquery()
# Without a flood interval the flood check is not made at all, and a comment that replies to
# nothing looks for no parent: in a prepared statement's generic plan PostgreSQL once looked
# for a NULL parent on the (status, queued_at) index, walking every approved comment's entry
# on each submission (13 million entries in two minutes of submissions, at 20,000 comments).
_CHECKS = tuple(itertools.product((True, False), (True, False)))  # (flood, replying)
_PRIOR = {(flood, replying): select(
    _THREAD_ID.label("thread_id"),
    select(threads.c.closed).where(*_THREAD).scalar_subquery().label("thread_closed"),
    _DUPLICATE.label("duplicate"),
    (_LAST_FROM_ADDRESS if flood else null()).label("last_from_address"),
    (_PARENT if replying else cast(null(), comments.c.parent_id.type)).label("parent_id"))
    for flood, replying in _CHECKS}

_SUBMITTED = [field.name for field in dataclasses.fields(NewComment)]
_FIRST_ENTRY = {"from_status": None, "to_status": Status.PENDING.value,
                "actor": str(Role.SUBMISSION), "details": {}}


def _insert_if_clear(prior: CTE, replying: bool) -> Insert:
    """The comment, into the thread (and under the parent) the checks found, written only if
    nothing refuses it: an open thread, no duplicate, no flood, a reply's parent found."""
    clear = and_(prior.c.thread_id.is_not(None), not_(prior.c.thread_closed),
                 not_(prior.c.duplicate), prior.c.last_from_address.is_(None),
                 *([prior.c.parent_id.is_not(None)] if replying else []))
    return insert(comments).from_select([*_SUBMITTED, "thread_id", "parent_id"], select(
        *(cast(bindparam(f"new_{name}"), comments.c[name].type) for name in _SUBMITTED),
        prior.c.thread_id, prior.c.parent_id,
    ).where(clear)).returning(comments.c.id, comments.c.site_id, comments.c.created_at)


def _with_first_entry(insert_comment: Insert, prior: CTE) -> Select:
    """PostgreSQL: the checks, the comment and its first log entry in one statement (one
    round trip, in autocommit), answering what the checks found and the new comment's id."""
    new = insert_comment.cte("new_comment")
    entry = insert(changes).from_select(
        ["comment_id", "site_id", "comment_created_at", "from_status", "to_status", "actor",
         "details", "created_at"],
        select(new.c.id, new.c.site_id, new.c.created_at, null(),
               literal(_FIRST_ENTRY["to_status"]), literal(_FIRST_ENTRY["actor"]),
               literal(_FIRST_ENTRY["details"], changes.c.details.type), new.c.created_at),
    ).returning(changes.c.comment_id).cte("first_entry")
    return select(prior, select(entry.c.comment_id).scalar_subquery())


_PRIOR_FOUND = {checks: query.cte("prior") for checks, query in _PRIOR.items()}
_INSERT_IF_CLEAR = {(flood, replying): _insert_if_clear(prior, replying)
                    for (flood, replying), prior in _PRIOR_FOUND.items()}
_WRITE_UNLESS_REFUSED = {checks: _with_first_entry(_INSERT_IF_CLEAR[checks], prior)
                         for checks, prior in _PRIOR_FOUND.items()}


def insert_unless_refused(new: NewComment, key: str, parent_public_id: str | None,
                          since: datetime | None) -> Prior:
    """Write the comment and its first log entry (pending, by "submission") into thread
    ``key``, unless the thread is closed or missing, the comment repeats one from its
    address, the address posted ``since`` (given a flood interval) or a reply's parent is
    not published there; what the checks found either way.

    On PostgreSQL one statement in autocommit, on a connection of its own; SQLite has no
    DML in a CTE, so the checks are read, then the same conditional insert and the log
    entry written, in one transaction.
    """
    checks = (since is not None, parent_public_id is not None)
    params = {"site_id": new.site_id, "key": key, "body_digest": new.body_digest,
              "ip_digest": new.ip_digest, "since": since, "parent_public_id": parent_public_id,
              **{f"new_{name}": getattr(new, name) for name in _SUBMITTED}}
    if db.engine.dialect.name == "postgresql":
        (row,) = autocommit_rows(_WRITE_UNLESS_REFUSED[checks], params)
        return _prior(*row)
    with db.engine.begin() as connection:
        prior = _prior(*connection.execute(_PRIOR[checks], params).one(), None)
        row = connection.execute(_INSERT_IF_CLEAR[checks], params).first()
        if row is None:
            return prior
        connection.execute(insert(changes), {
            "comment_id": row.id, "site_id": row.site_id, "comment_created_at": row.created_at,
            "created_at": row.created_at, **_FIRST_ENTRY})
    return prior._replace(comment_id=row.id)


def _prior(thread_id, closed, duplicate, last_from_address, parent_id, comment_id) -> Prior:
    return Prior(thread_id, bool(closed), bool(duplicate), last_from_address, parent_id,
                 comment_id)


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
