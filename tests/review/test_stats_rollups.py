"""The dashboard's roll-ups (PostgreSQL): a period answered from its completed hours' roll-ups
equals the same period read from the log alone, before and after history changes under them."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from moderation.extensions import db
from moderation.orm import Comment, Site, StatusChange
from moderation.review import stats
from moderation.review.rollups import StatsHour
from tests.review.conftest import decide

pytestmark = pytest.mark.postgres
DECISIONS = ("approve", "approve", "reject", "spam", None)


@pytest.fixture
def database_url(postgres_database) -> str:
    return postgres_database


@pytest.fixture
def history(app, client, auth, held) -> random.Random:
    """Thirty comments held (some by a held word), most decided, a few taken down, their logs
    spread over the last three days with waits of up to five hours."""
    rng = random.Random(18)
    with app.app_context():
        db.session.get(Site, "news").held_words = ["lawsuit"]
        db.session.commit()
    for n in range(30):
        comment = held(body=f"comment {n}" + (" about the lawsuit" if n % 3 else ""))
        decision = rng.choice(DECISIONS)
        if decision:
            decide(client, auth, comment, decision)
        if decision == "approve" and rng.random() < 0.3:
            decide(client, auth, comment, "takedown")
    with app.app_context():
        for comment in db.session.scalars(select(Comment)):
            back = timedelta(hours=rng.randint(1, 70), minutes=rng.randint(0, 59))
            wait = timedelta(seconds=rng.randint(1, 5 * 3600))
            comment.created_at -= back + wait
            for change in db.session.scalars(select(StatusChange).where(
                    StatusChange.comment_id == comment.id)):
                undecided = change.to_status in ("pending", "held")
                change.created_at -= back + (wait if undecided else timedelta())
                change.comment_created_at = comment.created_at
        db.session.commit()
    return rng


def from_the_log(monkeypatch, **period) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(stats, "_roll_up", lambda site_id, period: stats.Sources.logged(period))
        return stats.site_stats("news", **period)


def assert_rolled_up_as_logged(app, monkeypatch) -> None:
    """Both buckets over four days: the roll-ups (filled as needed) answer as the log does."""
    now = datetime.now(UTC)
    with app.app_context():
        for bucket in ("hour", "day"):
            period = {"start": now - timedelta(days=4), "end": now, "bucket": bucket}
            rolled, logged = stats.site_stats("news", **period), from_the_log(monkeypatch, **period)
            for answer in (rolled, logged):
                del answer["queue"]["at"]
            assert rolled == logged
            assert rolled["totals"]["decided"] > 10 and rolled["top_reasons"]
        assert db.session.scalar(select(func.count()).select_from(StatsHour)) >= 4 * 24


def test_completed_hours_rolled_up_answer_as_the_log(app, monkeypatch, history):
    assert_rolled_up_as_logged(app, monkeypatch)
    assert_rolled_up_as_logged(app, monkeypatch)  # now read back from the roll-ups alone


def test_history_rewritten_under_the_roll_ups_is_rolled_up_again(app, monkeypatch, history):
    assert_rolled_up_as_logged(app, monkeypatch)
    now = datetime.now(UTC)
    with app.app_context():
        changes = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        moved, erased, copied = history.sample(changes, 3)
        late = {column: getattr(copied, column) for column in (
            "comment_id", "site_id", "comment_created_at", "from_status", "to_status", "actor")}
        statements = [
            # a row written late, into an hour already rolled up
            insert(StatusChange).values(**late, details={}, created_at=now - timedelta(hours=30)),
            # a row moved from its hour into another
            update(StatusChange).where(StatusChange.id == moved.id)
            .values(created_at=now - timedelta(hours=50, minutes=17)),
            # a row deleted
            delete(StatusChange).where(StatusChange.id == erased.id),
            # a held comment's reasons rewritten (as an erasure does)
            update(Comment).where(Comment.id == db.session.scalar(
                select(StatusChange.comment_id).where(StatusChange.to_status == "held")
                .order_by(StatusChange.created_at).limit(1)))
            .values(reasons=[{"check": "erased"}]),
        ]
    for statement in statements:
        with app.app_context():
            db.session.execute(statement)
            db.session.commit()
        assert_rolled_up_as_logged(app, monkeypatch)


def timed_decisions(app, comment_id: str, waits: list[float]) -> None:
    """One decision timed per wait, out of pending, spread over the last three days (log rows
    of one comment: the figures read the log, not the comments)."""
    now = datetime.now(UTC)
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == comment_id))
        rows = []
        for n, wait in enumerate(waits):
            at = now - timedelta(hours=72 * n / len(waits), minutes=30)
            rows.append({"comment_id": comment.id, "site_id": "news", "from_status": "pending",
                         "to_status": "approved", "actor": "moderator:alice", "details": {},
                         "created_at": at, "comment_created_at": at - timedelta(seconds=wait)})
        db.session.execute(insert(StatusChange), rows)
        db.session.commit()


def exact(waits: list[float]) -> tuple[float, float]:
    """Median and p90 as ``percentile_cont``."""
    return statistics.median(waits), statistics.quantiles(waits, n=10, method="inclusive")[8]


@pytest.mark.parametrize("bucket", ["hour", "day"])
def test_many_distinct_waits_are_within_one_percent(app, monkeypatch, auth, held, bucket):
    rng = random.Random(7)
    waits = [rng.lognormvariate(6, 2) for _ in range(3000)]
    timed_decisions(app, held(), waits)
    period = {"start": datetime.now(UTC) - timedelta(days=4), "end": datetime.now(UTC),
              "bucket": bucket}
    with app.app_context():
        for answer in (stats.site_stats("news", **period), from_the_log(monkeypatch, **period)):
            totals = answer["totals"]
            assert totals["decided"] == len(waits)
            for figure, expected in zip(("median_seconds", "p90_seconds"), exact(waits),
                                        strict=True):
                assert totals[figure] == pytest.approx(expected, rel=0.01)
                assert totals[figure] != round(expected, 3)  # binned: not the exact answer


def test_a_few_distinct_waits_are_exact(app, monkeypatch, auth, held):
    waits = [12.5, 30.0, 30.0, 95.25, 400.0, 400.0, 400.0, 3600.0, 7200.5] * 11
    timed_decisions(app, held(), waits)
    period = {"start": datetime.now(UTC) - timedelta(days=4), "end": datetime.now(UTC),
              "bucket": "day"}
    with app.app_context():
        for answer in (stats.site_stats("news", **period), from_the_log(monkeypatch, **period)):
            assert (answer["totals"]["median_seconds"], answer["totals"]["p90_seconds"]) \
                == tuple(round(cut, 3) for cut in exact(waits))


def test_a_comment_held_again_counts_once_where_first_held_in_the_period(
        app, monkeypatch, held):
    held(body="held twice")
    now = datetime.now(UTC)
    with app.app_context():
        first = db.session.scalar(select(StatusChange).where(StatusChange.to_status == "held"))
        first.created_at, first_id = now - timedelta(hours=80), first.id
        db.session.add(StatusChange(
            comment_id=first.comment_id, site_id="news", from_status="approved",
            to_status="held", actor="check:premoderation", details={},
            comment_created_at=first.comment_created_at, created_at=now - timedelta(hours=30)))
        db.session.commit()

    def premoderated(days: int) -> list[int]:
        """The count for premoderation over the last ``days`` days, rolled up and logged."""
        period = {"start": now - timedelta(days=days), "end": now, "bucket": "day"}
        with app.app_context():
            return [dict((row["check"], row["comments"]) for row in answer["top_reasons"])
                    .get("premoderation", 0) for answer in (
                        stats.site_stats("news", **period), from_the_log(monkeypatch, **period))]

    assert premoderated(4) == [1, 1]  # held in both days: counted where first held
    assert premoderated(2) == [1, 1]  # the earlier hold is before the period
    with app.app_context():  # the first hold erased: the later one's roll-up is forgotten
        db.session.execute(delete(StatusChange).where(StatusChange.id == first_id))
        db.session.commit()
    assert premoderated(4) == [1, 1]
    with app.app_context():
        db.session.execute(update(StatusChange).where(StatusChange.to_status == "held")
                           .values(created_at=now - timedelta(hours=80)))
        db.session.commit()
    assert premoderated(4) == [1, 1]
    assert premoderated(2) == [0, 0]
