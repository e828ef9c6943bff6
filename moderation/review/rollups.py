"""The dashboard's roll-ups: one row per site and completed hour, so a long period reads a
few hundred rows instead of every move of its days (review/stats.py).

A row keeps what the figures need in full, not summaries: its moves grouped by (from, to,
actor) with their counts, every timed decision's wait (so medians and p90s over any set of
hours stay exact) and the (check, comment) pairs of the comments held (so a comment held twice
still counts once). PostgreSQL only (arrays); SQLite, the embedded default, reads the log.

Status changes are written at ``now``, so an hour that ended ``SETTLE`` ago is complete and
rolled up once, on the first request that needs it. What changes it afterwards makes
PostgreSQL forget the row (migration 0015's triggers), and the next request rolls it up again:
a status change inserted, updated or deleted in that hour (history rewritten, a comment
erased), or a held comment's reasons changed (an erasure rewrites them). An insert is checked
only when it is dated more than 5 minutes before its transaction began, so the one case left
is a transaction that writes a status change and stays open longer than ``SETTLE`` minus those
5 minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..orm import UTCDateTime

SETTLE = timedelta(minutes=10)


def _array(item) -> JSON:
    return JSON().with_variant(postgresql.ARRAY(item), "postgresql")


class StatsHour(db.Model):
    """A site's completed hour, rolled up from ``status_changes`` (see the module)."""

    __tablename__ = "stats_hours"

    site_id: Mapped[str] = mapped_column(String(64), ForeignKey("sites.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    # the moves into an outcome, grouped: move_count[i] moves from move_from[i] (NULL for none)
    # to move_to[i] by move_actor[i]
    move_from: Mapped[list] = mapped_column(_array(String(16)))
    move_to: Mapped[list] = mapped_column(_array(String(16)))
    move_actor: Mapped[list] = mapped_column(_array(String(120)))
    move_count: Mapped[list] = mapped_column(_array(Integer))
    waits: Mapped[list] = mapped_column(_array(Float))
    held_checks: Mapped[list] = mapped_column(_array(String))
    held_comments: Mapped[list] = mapped_column(_array(Integer))


def settled_until(now: datetime) -> datetime:
    """The end of the last hour that is complete at ``now``."""
    return (now - SETTLE).replace(minute=0, second=0, microsecond=0)
