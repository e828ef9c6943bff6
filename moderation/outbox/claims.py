"""Claim rows of an outbox table: the one statement the relay and the mail outbox share.

The rows are locked with ``FOR UPDATE SKIP LOCKED`` and stamped in the same statement, and
the caller commits (once for several claims: the relay claims by two conditions), so several
relays (or a relay and the sweeper) never hand on the same row twice within a claim's age.
SQLite, with one writer, ignores the lock clause.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update

from ..extensions import db


def claim_rows(model: Any, *where: ColumnElement[bool], order_by: Any, limit: int,
               stamp: dict[str, Any]) -> list[int]:
    """Ids of up to ``limit`` rows of ``model`` matching ``where``, set to ``stamp``; the
    caller commits."""
    claimable = (select(model.id).where(*where).order_by(order_by).limit(limit)
                 .with_for_update(skip_locked=True))
    return db.session.scalars(
        update(model).where(model.id.in_(claimable.scalar_subquery())).values(stamp)
        .returning(model.id).execution_options(synchronize_session=False)).all()
