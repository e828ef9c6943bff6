"""The moderation dashboard's numbers: a site's decisions over a period, by hour or by day.

Everything comes from the status-change log (``status_changes``), one aggregate per figure:
each row carries its comment's site and submission time, so a site's moves of a period are one
range of its ``(site_id, to_status, created_at)`` index, read index-only on PostgreSQL; only
the top reasons visit the comments held. Definitions (the OpenAPI descriptions repeat them):

- outcome: every move of a comment into approved, held, spam or rejected counts once, in the
  bucket where it happened; a moderator's ``takedown`` (the one action from approved to
  rejected, see ``lifecycle.ACTIONS``) counts as taken down, not rejected. A comment held by a
  check and then approved by a moderator counts once held and once approved.
- automatic or moderator: who made those moves, by the actor's role (``lifecycle.Actor``):
  scoring, a check or a model, or a moderator.
- time to decision: from submission to the comment's first approved, spam or rejected (held is
  awaiting a decision, not one), timed for moves out of pending or held in the bucket where
  they happened; a re-decision (a rescue from spam, a takedown) is not timed again.
- queue: pending and held comments and the oldest of each, now (the log is not replayed).
- top reasons: the checks (``reasons[*].check``) of the comments held in the period.

On PostgreSQL the period's completed hours come from their roll-ups (``review/rollups.py``,
rolled up here on the first request that needs them) and only the hours after those from the
log; the answer is the same as from the log alone.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Integer,
    String,
    cast,
    column,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql

from ..extensions import db
from ..lifecycle import ACTIONS, SCORERS, Actor, Role, Status
from ..orm import Comment, StatusChange, utcnow
from ..sites import get_site
from .rollups import StatsHour, settled_until

BUCKETS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
MAX_BUCKETS = 2000
OUTCOMES = (Status.APPROVED, Status.HELD, Status.SPAM, Status.REJECTED)
DECIDED = (Status.APPROVED, Status.SPAM, Status.REJECTED)
TAKEDOWN = ACTIONS["takedown"]
TOP_REASONS = 10


@dataclass(frozen=True)
class Period:
    """``[start, end)`` cut into whole UTC hours or days."""

    start: datetime
    end: datetime
    bucket: str

    @classmethod
    def covering(cls, start: datetime, end: datetime, bucket: str) -> Period:
        """The whole buckets that cover ``[start, end)``: from the bucket ``start`` falls in."""
        size = BUCKETS[bucket]
        start = start.replace(minute=0, second=0, microsecond=0)
        if bucket == "day":
            start = start.replace(hour=0)
        count = -(-(end - start) // size)  # ceiling
        return cls(start, start + count * size, bucket)

    @property
    def seconds(self) -> int:
        return int(BUCKETS[self.bucket].total_seconds())

    @property
    def starts(self) -> list[datetime]:
        return [self.start + n * BUCKETS[self.bucket]
                for n in range((self.end - self.start) // BUCKETS[self.bucket])]


def buckets_between(start: datetime, end: datetime, bucket: str) -> int:
    period = Period.covering(start, end, bucket)
    return (period.end - period.start) // BUCKETS[bucket]


def site_stats(site_id: str, *, start: datetime, end: datetime, bucket: str) -> dict:
    get_site(site_id)
    period = Period.covering(start, end, bucket)
    live = _roll_up(site_id, period)
    rows = [_empty_bucket(at) for at in period.starts]
    totals = _empty_bucket(None)
    for index, from_status, to_status, actor, count in _moves(site_id, period, live):
        outcome = ("taken_down" if from_status in TAKEDOWN.sources and to_status == TAKEDOWN.target
                   else to_status)
        who = Actor.parse(actor)
        kind = ("automatic" if who and who.role in SCORERS
                else "moderator" if who and who.role is Role.MODERATOR else None)
        for row in (rows[index], totals):
            row[outcome] += count
            if kind:
                row[kind] += count
    times = _decision_times(site_id, period, live)
    for index, row in enumerate(rows):
        row.update(times.get(index, _NO_DECISIONS))
    totals.update(times.get(None, _NO_DECISIONS))
    del totals["start"]
    return {"site": site_id, "from": period.start, "to": period.end, "bucket": bucket,
            "buckets": rows, "totals": totals, "queue": _queue(site_id),
            "top_reasons": _top_reasons(site_id, period, live)}


def _empty_bucket(start: datetime | None) -> dict:
    return {"start": start, **dict.fromkeys((*OUTCOMES, "taken_down"), 0), "automatic": 0,
            "moderator": 0}


def _logged(site_id: str, start, end, statuses) -> list:
    """A site's moves into ``statuses`` in ``[start, end)`` (values or SQL expressions)."""
    return [StatusChange.site_id == site_id,
            StatusChange.to_status.in_([status.value for status in statuses]),
            StatusChange.created_at >= start, StatusChange.created_at < end]


def _rolled(site_id: str, start: datetime, end: datetime) -> list:
    return [StatsHour.site_id == site_id, StatsHour.hour >= start, StatsHour.hour < end]


def _moves_logged(site_id: str, start, end, *keys):
    """``keys``, from, to, actor and the count of the moves into an outcome."""
    grouped = (*keys, StatusChange.from_status, StatusChange.to_status, StatusChange.actor)
    return (select(*grouped, func.count().label("moves"))
            .where(*_logged(site_id, start, end, OUTCOMES)).group_by(*grouped))


def _waits_logged(site_id: str, start, end, *keys):
    """``keys`` and the seconds from submission of each decision timed."""
    seconds = _seconds_between(StatusChange.created_at, StatusChange.comment_created_at)
    return select(*keys, seconds.label("seconds")).where(
        *_logged(site_id, start, end, DECIDED),
        StatusChange.from_status.in_([Status.PENDING.value, Status.HELD.value]))


def _held_logged(site_id: str, start, end, *keys):
    """``keys``, check and comment of each reason of the comments held."""
    if db.engine.dialect.name == "postgresql":
        reasons = func.json_array_elements(Comment.reasons).table_valued(
            column("value", JSON)).lateral()
    else:  # SQLite's table-valued functions see the tables before them without LATERAL
        reasons = func.json_each(Comment.reasons).table_valued(column("value", JSON))
    check = reasons.c.value["check"].as_string()
    return (select(*keys, check.label("check"), Comment.id.label("comment_id"))
            .select_from(StatusChange).join(Comment, Comment.id == StatusChange.comment_id)
            .join(reasons, check.is_not(None))
            .where(*_logged(site_id, start, end, (Status.HELD,))))


def _roll_up(site_id: str, period: Period) -> datetime:
    """Roll up the period's completed hours not rolled up yet (PostgreSQL), in one statement
    committed on its own; returns where the log takes over from the roll-ups."""
    if db.engine.dialect.name != "postgresql":
        return period.start
    # PostgreSQL estimates these statements at far more rows than they read (a few thousand
    # roll-ups, one hour's moves each) and would spend up to a second JIT-compiling them; the
    # waits of a month (58,000 at 1,000,000 comments) are sorted in memory, not on disk
    db.session.execute(text("SET LOCAL jit = off"))
    db.session.execute(text("SET LOCAL work_mem = '16MB'"))
    live = min(max(settled_until(utcnow()), period.start), period.end)
    if live > period.start:
        missing = _missing_hours(site_id, period.start, live)
        if db.session.scalar(select(missing.exists())):
            with db.engine.begin() as connection:
                connection.execute(text("SET LOCAL jit = off"))
                connection.execute(_rolling_up(site_id, missing))
    return live


def _missing_hours(site_id: str, start: datetime, end: datetime):
    """The hours of ``[start, end)`` missing from ``stats_hours``."""
    hour = timedelta(hours=1)
    series = func.generate_series(start, end - hour, hour).table_valued(
        column("hour", StatsHour.hour.type)).render_derived()
    return select(series.c.hour).where(~exists().where(
        StatsHour.site_id == site_id, StatsHour.hour == series.c.hour))


def _rolling_up(site_id: str, missing):
    """INSERT ... SELECT of the ``missing`` hours, found first (a materialised CTE)."""
    hours = missing.cte("hours").prefix_with("MATERIALIZED")
    at, until = hours.c.hour, hours.c.hour + literal_column("interval '1 hour'")

    def gathered(query, *names):
        rows = query.correlate(hours).subquery()
        empty = literal_column("'{}'")
        return select(*(func.coalesce(func.array_agg(rows.c[name]), empty).label(name)
                        for name in names)).lateral()

    moves = gathered(_moves_logged(site_id, at, until), "from_status", "to_status", "actor",
                     "moves")
    waits = gathered(_waits_logged(site_id, at, until), "seconds")
    held = gathered(_held_logged(site_id, at, until), "check", "comment_id")
    rolled = (select(literal(site_id), at, *moves.c, *waits.c, *held.c)
              .select_from(hours).join(moves, true()).join(waits, true()).join(held, true()))
    return postgresql.insert(StatsHour).from_select(
        ["site_id", "hour", "move_from", "move_to", "move_actor", "move_count", "waits",
         "held_checks", "held_comments"], rolled).on_conflict_do_nothing()


def _unnested(*arrays, names: tuple[str, ...]):
    return func.unnest(*arrays).table_valued(*names).render_derived()


def _moves(site_id: str, period: Period, live: datetime) -> list[tuple]:
    """(bucket index, from, to, actor, count) of the moves into an outcome."""
    rows = db.session.execute(_moves_logged(
        site_id, live, period.end, _bucket_index(StatusChange.created_at, period))).all()
    if live == period.start:
        return rows
    moved = _unnested(StatsHour.move_from, StatsHour.move_to, StatsHour.move_actor,
                      StatsHour.move_count, names=("from_status", "to_status", "actor", "moves"))
    grouped = (_bucket_index(StatsHour.hour, period), moved.c.from_status, moved.c.to_status,
               moved.c.actor)
    return rows + db.session.execute(
        select(*grouped, func.sum(moved.c.moves)).select_from(StatsHour).join(moved, true())
        .where(*_rolled(site_id, period.start, live)).group_by(*grouped)).all()


_NO_DECISIONS = {"decided": 0, "median_seconds": None, "p90_seconds": None}


def _decision_times(site_id: str, period: Period, live: datetime) -> dict[int | None, dict]:
    """Decisions timed, median and p90 seconds from submission, per bucket index and overall
    (key None): ``percentile_cont`` on PostgreSQL (both fractions at once, one sort per
    group); SQLite has none, so there the embedded default reads one row per decision and
    interpolates the same way in Python."""
    index = _bucket_index(StatusChange.created_at, period).label("bucket")
    waits = _waits_logged(site_id, live, period.end, index)
    if db.engine.dialect.name == "postgresql":
        if live > period.start:
            rolled = _unnested(StatsHour.waits, names=("seconds",))
            waits = union_all(waits, select(
                _bucket_index(StatsHour.hour, period).label("bucket"), rolled.c.seconds)
                .select_from(StatsHour).join(rolled, true())
                .where(*_rolled(site_id, period.start, live)))
        waits = waits.subquery()
        rows = db.session.execute(
            select(waits.c.bucket, func.count(), func.percentile_cont(
                postgresql.array([0.5, 0.9])).within_group(waits.c.seconds))
            .group_by(func.rollup(waits.c.bucket)))
        return {bucket: {"decided": count, "median_seconds": round(cuts[0], 3),
                         "p90_seconds": round(cuts[1], 3)}
                for bucket, count, cuts in rows if count}
    times: dict[int | None, list[float]] = {None: []}
    for bucket, wait in db.session.execute(waits):
        times.setdefault(bucket, []).append(wait)
        times[None].append(wait)
    return {bucket: _percentiles(values) for bucket, values in times.items() if values}


def _percentiles(waits: list[float]) -> dict:
    """Median and p90 interpolated as ``percentile_cont`` does."""
    if len(waits) == 1:
        return {"decided": 1, "median_seconds": round(waits[0], 3),
                "p90_seconds": round(waits[0], 3)}
    cuts = statistics.quantiles(waits, n=10, method="inclusive")
    return {"decided": len(waits), "median_seconds": round(statistics.median(waits), 3),
            "p90_seconds": round(cuts[8], 3)}


def _queue(site_id: str) -> dict:
    counts = dict(db.session.execute(
        select(Comment.status, func.count()).where(
            Comment.site_id == site_id, Comment.status.in_([Status.PENDING, Status.HELD]))
        .group_by(Comment.status)).all())
    oldest = dict(db.session.execute(
        select(Comment.status, func.min(Comment.created_at)).where(
            Comment.site_id == site_id, Comment.status.in_([Status.PENDING, Status.HELD]))
        .group_by(Comment.status)).all())
    return {"at": utcnow(), "pending": counts.get(Status.PENDING, 0),
            "held": counts.get(Status.HELD, 0), "oldest_pending": oldest.get(Status.PENDING),
            "oldest_held": oldest.get(Status.HELD)}


def _top_reasons(site_id: str, period: Period, live: datetime) -> list[dict]:
    """The checks behind the comments held in the period, most frequent first."""
    held = _held_logged(site_id, live, period.end)
    if live > period.start:
        pairs = _unnested(StatsHour.held_checks, StatsHour.held_comments,
                          names=("check", "comment_id"))
        held = union_all(held, select(pairs.c.check, pairs.c.comment_id)
                         .select_from(StatsHour).join(pairs, true())
                         .where(*_rolled(site_id, period.start, live)))
    held = held.subquery()
    rows = db.session.execute(
        select(held.c.check, func.count(distinct(held.c.comment_id))).group_by(held.c.check)
    ).all()
    ranked = Counter(dict(rows)).most_common(TOP_REASONS)
    return [{"check": name, "comments": count} for name, count in ranked]


def _bucket_index(moment, period: Period):
    """Which bucket ``moment`` falls in, counted from ``period.start``, in SQL (in floating
    point: PostgreSQL's ``extract`` gives numeric, several times dearer a row)."""
    start = int(period.start.timestamp())
    if db.engine.dialect.name == "postgresql":
        return cast(func.floor((func.date_part("epoch", moment) - start) / period.seconds),
                    Integer)
    return (cast(func.strftime("%s", moment), Integer) - start) // period.seconds


def _seconds_between(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return func.date_part("epoch", later - earlier)
    return (func.julianday(cast(later, String)) - func.julianday(cast(earlier, String))) * 86400.0
