"""Run side effects (queueing, metrics) only once the transaction that caused them commits.

A rolled-back change must not enqueue work or count as a decision, and work
must not be queued before the rows it reads are visible to the worker.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "after_commit"


def call_after_commit(session: Session, callback: Callable[..., object], *args) -> None:
    session.info.setdefault(_KEY, []).append((callback, args))


def _run(session: Session) -> None:
    for callback, args in session.info.pop(_KEY, []):
        callback(*args)


def _forget(session: Session, _transaction) -> None:
    session.info.pop(_KEY, None)


def init_app() -> None:
    """Listen on every session, once per process."""
    if not event.contains(Session, "after_commit", _run):
        event.listen(Session, "after_commit", _run)
        event.listen(Session, "after_soft_rollback", _forget)
