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
  they happened; a re-decision (a rescue from spam, a takedown) is not timed again. Median
  and p90 interpolate as ``percentile_cont``: exactly on SQLite; on PostgreSQL exactly for a
  bucket that is one roll-up, the totals and the other buckets from 2 % bins (exact while a
  bin holds one distinct wait, else within 2 %, see ``_decision_times``).
- queue: pending and held comments and the oldest of each, now (the log is not replayed).
- top reasons: the checks (``reasons[*].check``) of the comments held in the period.

On PostgreSQL the period's completed days (a period by day) and hours come from their roll-ups
(``review/rollups.py``, rolled up here on the first request that needs them) and only the
hours after those from the log; the answer is the same as from the log alone, but for the
medians and p90s of buckets that are one roll-up, which are exact where the log's are binned.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    SmallInteger,
    String,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased

from ..extensions import db
from ..lifecycle import ACTIONS, SCORERS, Actor, Role, Status
from ..orm import Comment, StatusChange, utcnow
from ..sites import get_site
from .rollups import StatsHour, settled_until, wait_bin

BUCKETS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
MAX_BUCKETS = 2000
OUTCOMES = (Status.APPROVED, Status.HELD, Status.SPAM, Status.REJECTED)
DECIDED = (Status.APPROVED, Status.SPAM, Status.REJECTED)
TAKEDOWN = ACTIONS["takedown"]
TOP_REASONS = 10
DAY = 24  # hours
_NO_DECISIONS = {"decided": 0, "median_seconds": None, "p90_seconds": None}
CUTS = {"median_seconds": 0.5, "p90_seconds": 0.9}
TOTALS_ONLY = -1  # the bucket index of bins that count in the totals only


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
    sources = _roll_up(site_id, period)
    rows = [_empty_bucket(at) for at in period.starts]
    totals = _empty_bucket(None)
    classified: dict[tuple, tuple[str, str | None]] = {}  # a week by hour is 1,500 rows
    for index, from_status, to_status, actor, count in _moves(site_id, sources):
        key = (from_status, to_status, actor)
        if key not in classified:
            classified[key] = _classify(*key)
        outcome, kind = classified[key]
        for row in (rows[index], totals):
            row[outcome] += count
            if kind:
                row[kind] += count
    times = _decision_times(site_id, sources)
    for index, row in enumerate(rows):
        row.update(times.get(index, _NO_DECISIONS))
    totals.update(times.get(None, _NO_DECISIONS))
    del totals["start"]
    return {"site": site_id, "from": period.start, "to": period.end, "bucket": bucket,
            "buckets": rows, "totals": totals, "queue": _queue(site_id),
            "top_reasons": _top_reasons(site_id, sources)}


def _classify(from_status: str | None, to_status: str, actor: str) -> tuple[str, str | None]:
    """A move's outcome and who made it: automatic, moderator or neither."""
    outcome = ("taken_down" if from_status in TAKEDOWN.sources and to_status == TAKEDOWN.target
               else to_status)
    who = Actor.parse(actor)
    kind = ("automatic" if who and who.role in SCORERS
            else "moderator" if who and who.role is Role.MODERATOR else None)
    return outcome, kind


def _empty_bucket(start: datetime | None) -> dict:
    return {"start": start, **dict.fromkeys((*OUTCOMES, "taken_down"), 0), "automatic": 0,
            "moderator": 0}


def _logged(site_id: str, start, end, statuses) -> list:
    """A site's moves into ``statuses`` in ``[start, end)`` (values or SQL expressions)."""
    return [StatusChange.site_id == site_id,
            StatusChange.to_status.in_([status.value for status in statuses]),
            StatusChange.created_at >= start, StatusChange.created_at < end]


def _moves_logged(site_id: str, start, end, *keys):
    """``keys``, from, to, actor and the count of the moves into an outcome."""
    grouped = (*keys, StatusChange.from_status, StatusChange.to_status, StatusChange.actor)
    return (select(*grouped, func.count().label("moves"))
            .where(*_logged(site_id, start, end, OUTCOMES)).group_by(*grouped))


def _timed(site_id: str, start, end) -> list:
    """A site's decisions timed in ``[start, end)``: first decisions, out of pending or held."""
    return [*_logged(site_id, start, end, DECIDED),
            StatusChange.from_status.in_([Status.PENDING.value, Status.HELD.value])]


def _wait_seconds():
    return _seconds_between(StatusChange.created_at, StatusChange.comment_created_at)


def _waits_logged(site_id: str, start, end, *keys):
    """``keys`` and the seconds from submission of each decision timed."""
    return select(*keys, _wait_seconds().label("seconds")).where(*_timed(site_id, start, end))


def _wait_bins_logged(site_id: str, start, end, *keys):
    """``keys``, bin, count and sum in microseconds of the waits in each bin (PostgreSQL)."""
    grouped = (*keys, wait_bin(_wait_seconds()).label("bin"))
    micros = cast(func.round(_wait_seconds() * 1_000_000), BigInteger)
    return (select(*grouped, func.count().label("waits"), func.sum(micros).label("micros"))
            .where(*_timed(site_id, start, end)).group_by(*grouped))


def _held_logged(site_id: str, start, end, *conditions):
    """The check of each reason of each comment held in ``[start, end)``."""
    if db.engine.dialect.name == "postgresql":
        reasons = func.json_array_elements(Comment.reasons).table_valued(
            column("value", JSON)).lateral()
    else:  # SQLite's table-valued functions see the tables before them without LATERAL
        reasons = func.json_each(Comment.reasons).table_valued(column("value", JSON))
    check = reasons.c.value["check"].as_string()
    return (select(check.label("check"))
            .select_from(StatusChange).join(Comment, Comment.id == StatusChange.comment_id)
            .join(reasons, check.is_not(None))
            .where(*_logged(site_id, start, end, (Status.HELD,)), *conditions))


def _held_before(since=None):
    """The comment of the ``StatusChange`` row at hand held before that row (and at or after
    ``since``): a comment held twice in a period counts where it was first held in it."""
    earlier = aliased(StatusChange)
    return [earlier.comment_id == StatusChange.comment_id,
            earlier.to_status == Status.HELD.value,
            *([earlier.created_at >= since] if since is not None else []),
            tuple_(earlier.created_at, earlier.id) < tuple_(StatusChange.created_at,
                                                            StatusChange.id)], earlier


def _held_rolled_up(site_id: str, start, end):
    """Per check, the comments held in ``[start, end)`` by the hour of their previous hold
    (NULL for none): what a roll-up keeps, so that a period counts a comment held again only
    when its previous hold is before the period (``_top_reasons``)."""
    held = _held_logged(site_id, start, end)
    before, earlier = _held_before()
    previous = func.date_trunc("hour", select(func.max(earlier.created_at)).where(*before)
                               .scalar_subquery(), "UTC")
    check = held.selected_columns.check
    return (held.with_only_columns(check, previous.label("since"), func.count().label("holds"))
            .group_by(check, previous))


@dataclass(frozen=True)
class Sources:
    """Where a period's figures come from: roll-ups before ``live``, the log from there to
    ``period.end``. The period's whole UTC days ``[days_start, days_end)`` come from day rows
    for its totals (the times to decision and the top reasons), and for its buckets too when
    it is by day; every other hour before ``live`` from hour rows."""

    period: Period
    days_start: datetime
    days_end: datetime
    live: datetime

    @classmethod
    def of(cls, period: Period, now: datetime) -> Sources:
        live = min(max(settled_until(now), period.start), period.end)
        days_start = period.start.replace(hour=0)
        if days_start < period.start:
            days_start += timedelta(days=1)
        return cls(period, days_start, max(live.replace(hour=0), days_start), live)

    @classmethod
    def logged(cls, period: Period) -> Sources:
        """Everything from the log (SQLite)."""
        return cls(period, period.start, period.start, period.start)

    @property
    def rolled(self) -> bool:
        return self.live > self.period.start

    def rows(self, site_id: str, *, totals: bool = False) -> list:
        """The conditions on ``stats_hours`` that select this period's roll-ups: for its
        buckets, or with ``totals`` for its totals alone."""
        days = (self.days_start, self.days_end)
        if not (totals or self.period.bucket == "day"):
            days = (self.live, self.live)
        return [StatsHour.site_id == site_id, StatsHour.hour >= self.period.start,
                StatsHour.hour < self.live, or_(
                    and_(StatsHour.hours == DAY, StatsHour.hour >= days[0],
                         StatsHour.hour < days[1]),
                    and_(StatsHour.hours == 1, or_(StatsHour.hour < days[0],
                                                   StatsHour.hour >= days[1])))]


def _roll_up(site_id: str, period: Period) -> Sources:
    """Roll up the period's completed days and hours not rolled up yet (PostgreSQL), in one
    statement committed on its own; returns where its figures come from."""
    if db.engine.dialect.name != "postgresql":
        return Sources.logged(period)
    # PostgreSQL estimates these statements at far more rows than they read (a few thousand
    # roll-ups, one hour's moves each) and would spend up to a second JIT-compiling them
    db.session.execute(text("SET LOCAL jit = off"))
    sources = Sources.of(period, utcnow())
    if sources.rolled:
        hours_from = sources.days_end if period.bucket == "day" else period.start
        missing = union_all(_missing(site_id, sources.days_start, sources.days_end, DAY),
                            _missing(site_id, hours_from, sources.live, 1))
        if db.session.scalar(select(missing.exists())):
            with db.engine.begin() as connection:
                connection.execute(text("SET LOCAL jit = off"))
                connection.execute(_rolling_up(site_id, missing))
    return sources


def _missing(site_id: str, start: datetime, end: datetime, hours: int):
    """The roll-ups of ``hours`` (1 or 24) starting in ``[start, end)`` missing from
    ``stats_hours``."""
    step = timedelta(hours=hours)
    series = func.generate_series(start, end - step, step).table_valued(
        column("hour", StatsHour.hour.type)).render_derived()
    return select(series.c.hour, literal(hours, SmallInteger).label("hours")).where(
        ~exists().where(StatsHour.site_id == site_id, StatsHour.hour == series.c.hour,
                        StatsHour.hours == hours))


def _rolling_up(site_id: str, missing):
    """INSERT ... SELECT of the ``missing`` rows, found first (a materialised CTE)."""
    spans = missing.cte("spans").prefix_with("MATERIALIZED")
    at = spans.c.hour
    until = at + literal_column("interval '1 hour'") * spans.c.hours

    def gathered(query, *names):
        rows = query.correlate(spans).subquery()
        empty = literal_column("'{}'")
        return select(*(func.coalesce(func.array_agg(rows.c[name]), empty).label(name)
                        for name in names)).lateral()

    moves = gathered(_moves_logged(site_id, at, until), "from_status", "to_status", "actor",
                     "moves")
    waits = gathered(_wait_bins_logged(site_id, at, until), "bin", "waits", "micros")
    timed = _waits_logged(site_id, at, until).correlate(spans).subquery()
    cuts = select(func.count().label("decided"), _cut(timed.c.seconds).label("cuts")).lateral()
    held = gathered(_held_rolled_up(site_id, at, until), "check", "since", "holds")
    rolled = (select(literal(site_id), at, spans.c.hours, *moves.c, *waits.c, *cuts.c, *held.c)
              .select_from(spans).join(moves, true()).join(waits, true()).join(cuts, true())
              .join(held, true()))
    return postgresql.insert(StatsHour).from_select(
        ["site_id", "hour", "hours", "move_from", "move_to", "move_actor", "move_count",
         "wait_bins", "wait_counts", "wait_micros", "decided", "wait_cuts", "held_checks",
         "held_since", "held_counts"], rolled).on_conflict_do_nothing()


def _cut(seconds):
    """``percentile_cont`` of ``CUTS`` (both at once, one sort)."""
    return func.percentile_cont(postgresql.array(list(CUTS.values()))).within_group(seconds)


def _unnested(*arrays, names: tuple[str, ...]):
    return func.unnest(*arrays).table_valued(*names).render_derived()


def _moves(site_id: str, sources: Sources) -> list[tuple]:
    """(bucket index, from, to, actor, count) of the moves into an outcome."""
    period = sources.period
    rows = db.session.execute(_moves_logged(
        site_id, sources.live, period.end, _bucket_index(StatusChange.created_at, period))).all()
    if not sources.rolled:
        return rows
    moved = _unnested(StatsHour.move_from, StatsHour.move_to, StatsHour.move_actor,
                      StatsHour.move_count, names=("from_status", "to_status", "actor", "moves"))
    grouped = (_bucket_index(StatsHour.hour, period), moved.c.from_status, moved.c.to_status,
               moved.c.actor)
    return rows + db.session.execute(
        select(*grouped, func.sum(moved.c.moves)).select_from(StatsHour).join(moved, true())
        .where(*sources.rows(site_id)).group_by(*grouped)).all()




def _decision_times(site_id: str, sources: Sources) -> dict[int | None, dict]:
    """Decisions timed, median and p90 seconds from submission, per bucket index and overall
    (key None). On PostgreSQL a bucket that is one roll-up (a completed hour of a period by
    hour, a completed day of a period by day) has its exact figures stored; the others and
    the totals come from the waits' histograms (``rollups.wait_bin``) of the roll-ups and the
    log merged: SQL adds up the bins and keeps those that hold the ranks the percentiles need
    (``_ranked_bins``), read here. SQLite, the embedded default, reads one row per decision
    and interpolates exactly as ``percentile_cont``."""
    period = sources.period
    index = _bucket_index(StatusChange.created_at, period).label("bucket")
    if db.engine.dialect.name == "postgresql":
        times = {}
        bins = _wait_bins_logged(site_id, sources.live, period.end, index)
        if sources.rolled:
            bucket_hours = period.seconds // 3600
            whole = StatsHour.hours == bucket_hours
            rolled = _bucket_index(StatsHour.hour, period)
            times = {bucket: {"decided": decided, **_rounded(cuts)}
                     for bucket, decided, cuts in db.session.execute(
                         select(rolled, StatsHour.decided, StatsHour.wait_cuts)
                         .where(*sources.rows(site_id), whole, StatsHour.decided > 0))}
            unnested = _unnested(StatsHour.wait_bins, StatsHour.wait_counts,
                                 StatsHour.wait_micros, names=("bin", "waits", "micros"))
            bins = union_all(bins, select(  # a bucket or more: bins for the totals only
                case((StatsHour.hours >= bucket_hours, TOTALS_ONLY), else_=rolled)
                .label("bucket"), unnested.c.bin, unnested.c.waits, unnested.c.micros)
                .select_from(StatsHour).join(unnested, true())
                .where(*sources.rows(site_id, totals=True)))
        found: dict[int | None, list] = {}
        for bucket, decided, before, waits, micros in db.session.execute(_ranked_bins(bins)):
            found.setdefault(bucket, [decided]).append((before, waits, micros / waits / 1e6))
        return times | {bucket: _binned_percentiles(decided, bins)
                        for bucket, (decided, *bins) in found.items()}
    times: dict[int | None, list[float]] = {None: []}
    for bucket, wait in db.session.execute(_waits_logged(site_id, sources.live, period.end,
                                                         index)):
        times.setdefault(bucket, []).append(wait)
        times[None].append(wait)
    return {bucket: _percentiles(values) for bucket, values in times.items() if values}


def _rounded(cuts: list[float]) -> dict:
    return {name: round(cut, 3) for name, cut in zip(CUTS, cuts, strict=True)}


def _ranked_bins(bins):
    """Per bucket and overall (bucket NULL): the decisions timed and, of the bins merged in
    order, those holding a rank that ``CUTS`` interpolate between (0-based: floor(p (n - 1))
    and the next), each with the number of waits before it, its count and its sum."""
    bins = bins.subquery()
    merged = (select(bins.c.bucket, bins.c.bin,
                     cast(func.sum(bins.c.waits), BigInteger).label("waits"),
                     cast(func.sum(bins.c.micros), BigInteger).label("micros"))
              .group_by(func.grouping_sets(tuple_(bins.c.bucket, bins.c.bin), bins.c.bin))
              .having(bins.c.bucket.is_distinct_from(TOTALS_ONLY)).subquery())
    upto = func.sum(merged.c.waits).over(partition_by=merged.c.bucket, order_by=merged.c.bin)
    ranked = select(merged, cast(func.sum(merged.c.waits).over(partition_by=merged.c.bucket),
                                 BigInteger).label("decided"),
                    cast(upto - merged.c.waits, BigInteger).label("before")).subquery()
    ranks = [cast(func.floor(p * (ranked.c.decided - 1)), BigInteger) + step
             for p in CUTS.values() for step in (0, 1)]
    return select(ranked.c.bucket, ranked.c.decided, ranked.c.before, ranked.c.waits,
                  ranked.c.micros).where(or_(*(
                      and_(ranked.c.before <= rank, rank < ranked.c.before + ranked.c.waits)
                      for rank in ranks)))


def _binned_percentiles(decided: int, bins: list[tuple[int, int, float]]) -> dict:
    """Median and p90 interpolated as ``percentile_cont`` does, each rank's wait taken as its
    bin's mean: exact when the bin holds one distinct wait. ``bins``: (waits before, count,
    mean) of the bins that hold the ranks needed."""

    def wait(rank: int) -> float:
        return next(mean for before, count, mean in bins if before <= rank < before + count)

    return {"decided": decided,
            **_rounded([_interpolated(p, decided, wait) for p in CUTS.values()])}


def _percentiles(waits: list[float]) -> dict:
    """Median and p90 of every wait, exactly."""
    ordered = sorted(waits)
    return {"decided": len(ordered), **_rounded(
        [_interpolated(p, len(ordered), ordered.__getitem__) for p in CUTS.values()])}


def _interpolated(p: float, count: int, wait: Callable[[int], float]) -> float:
    """The ``p`` quantile of ``count`` waits, ``wait(rank)`` the one of that 0-based rank in
    ascending order, interpolated as ``percentile_cont`` does."""
    low = math.floor(p * (count - 1))
    fraction = p * (count - 1) - low
    return wait(low) + fraction * (wait(low + 1) - wait(low)) if fraction else wait(low)


def _queue(site_id: str) -> dict:
    found = {status: (count, oldest) for status, count, oldest in db.session.execute(
        select(Comment.status, func.count(), func.min(Comment.created_at)).where(
            Comment.site_id == site_id, Comment.status.in_([Status.PENDING, Status.HELD]))
        .group_by(Comment.status))}
    pending, oldest_pending = found.get(Status.PENDING, (0, None))
    held, oldest_held = found.get(Status.HELD, (0, None))
    return {"at": utcnow(), "pending": pending, "held": held, "oldest_pending": oldest_pending,
            "oldest_held": oldest_held}


def _top_reasons(site_id: str, sources: Sources) -> list[dict]:
    """The checks behind the comments held in the period, most frequent first: each comment
    counted where it was first held in the period."""
    period = sources.period
    before, _ = _held_before(period.start)
    held = _held_logged(site_id, sources.live, period.end, ~exists().where(*before))
    check = held.selected_columns.check
    held = held.with_only_columns(check, func.count().label("comments")).group_by(check)
    if sources.rolled:
        rolled = _unnested(StatsHour.held_checks, StatsHour.held_since, StatsHour.held_counts,
                           names=("check", "since", "holds"))
        held = union_all(held, select(rolled.c.check, func.sum(rolled.c.holds))
                         .select_from(StatsHour).join(rolled, true())
                         .where(*sources.rows(site_id, totals=True),
                                or_(rolled.c.since.is_(None), rolled.c.since < period.start))
                         .group_by(rolled.c.check))
    held = held.subquery()
    rows = db.session.execute(
        select(held.c.check, func.sum(held.c.comments)).group_by(held.c.check)).all()
    ranked = Counter({check: int(count) for check, count in rows}).most_common(TOP_REASONS)
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
