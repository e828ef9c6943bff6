"""The dashboard's roll-ups: one row per site and completed hour or completed UTC day, so a long
period reads a few rows instead of every move of its days (review/stats.py): a period by day
reads its whole days from day rows (``hours`` 24), the hours at its end and any period by hour
from hour rows (``hours`` 1).

A row keeps its moves grouped by (from, to, actor) with their counts; per check, how many
comments it held by the hour of each one's previous hold (NULL for none: a comment held twice
in a period counts once, where it was first held in it, so a period adds up the counts whose
previous hold is before it); and its timed decisions' waits as a histogram: bins 2 % wide
(``wait_bin``), each with its count and the sum of its waits in microseconds, so merging rows
is adding integers and a bin's mean is exact. Medians and p90s over several rows are read from
the merged bins (review/stats.py): exact while each bin involved holds one distinct wait,
otherwise off by less than 2 % (about 1 % when a bin's waits are spread across it). An hour's
80 waits take about 60 bins; a day's 1,900 about 250, so long periods read day rows. PostgreSQL
only (arrays); SQLite, the embedded default, reads the log.

Status changes are written at ``now``, so an hour that ended ``SETTLE`` ago is complete and
rolled up once, on the first request that needs it (a day, once its last hour is). What changes
it afterwards makes PostgreSQL forget its hour's and its day's rows (the triggers of migrations
0015, 0016 and 0018), and the next request rolls them up again: a status change inserted,
updated or deleted in that hour (history rewritten, a comment erased); and every row holding a
comment whose reasons changed (an erasure rewrites them) or one of whose holds was inserted
late, updated or deleted (a later hold's previous one may have changed). An insert is checked
only when it is dated more than 5 minutes before its transaction began, so the one case left is
a transaction that writes a status change and stays open longer than ``SETTLE`` minus those 5
minutes.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    case,
    cast,
    func,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..orm import UTCDateTime

SETTLE = timedelta(minutes=10)
GAMMA = 1.02  # a bin holds the waits in (GAMMA ** (bin - 1), GAMMA ** bin] seconds
SHORTEST = 0.001  # seconds: waits up to here (a clock step backwards too) share one bin
SHORTEST_BIN = math.ceil(math.log(SHORTEST) / math.log(GAMMA)) - 1


def _array(item) -> JSON:
    return JSON().with_variant(postgresql.ARRAY(item), "postgresql")


class StatsHour(db.Model):
    """A site's completed hour, rolled up from ``status_changes`` (see the module)."""

    __tablename__ = "stats_hours"

    site_id: Mapped[str] = mapped_column(String(64), ForeignKey("sites.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)  # where it starts
    hours: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 1, or 24 for a day
    # the moves into an outcome, grouped: move_count[i] moves from move_from[i] (NULL for none)
    # to move_to[i] by move_actor[i]
    move_from: Mapped[list] = mapped_column(_array(String(16)))
    move_to: Mapped[list] = mapped_column(_array(String(16)))
    move_actor: Mapped[list] = mapped_column(_array(String(120)))
    move_count: Mapped[list] = mapped_column(_array(Integer))
    # wait_counts[i] decisions timed with waits in bin wait_bins[i], wait_micros[i] in all
    wait_bins: Mapped[list] = mapped_column(_array(Integer))
    wait_counts: Mapped[list] = mapped_column(_array(Integer))
    wait_micros: Mapped[list] = mapped_column(_array(BigInteger))
    # the row's own decisions timed, and their exact median and p90 (NULL for none)
    decided: Mapped[int] = mapped_column(Integer)
    wait_cuts: Mapped[list | None] = mapped_column(_array(Float))
    # held_counts[i] comments held for held_checks[i] whose previous hold was in the hour
    # held_since[i] (NULL: none)
    held_checks: Mapped[list] = mapped_column(_array(String))
    held_since: Mapped[list] = mapped_column(_array(DateTime(timezone=True)))
    held_counts: Mapped[list] = mapped_column(_array(Integer))


def settled_until(now: datetime) -> datetime:
    """The end of the last hour that is complete at ``now``."""
    return (now - SETTLE).replace(minute=0, second=0, microsecond=0)


def wait_bin(seconds):
    """The histogram bin of a wait in seconds, in SQL (PostgreSQL)."""
    return case((seconds <= SHORTEST, SHORTEST_BIN),
                else_=cast(func.ceil(func.ln(seconds) / math.log(GAMMA)), Integer))
