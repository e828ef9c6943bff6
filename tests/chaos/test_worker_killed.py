"""A worker killed with SIGKILL mid-batch loses no comment and decides none twice, and what it
held is handed on again by the relay once its claim ages, with no sweeper."""

from __future__ import annotations

import time

import pytest
import redis
from sqlalchemy import func, select

from moderation.comments.submission import submit_comment
from moderation.extensions import db
from moderation.lifecycle import FINAL_DECISIONS, Status
from moderation.orm import Comment, StatusChange
from moderation.web.schemas.public import CommentSubmission
from tests.chaos.conftest import count_pending
from tests.chaos.servers import PreforkWorker
from tests.conftest import comment_payload
from tests.integration_fixtures import wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

COMMENTS = 1000


def submit_many(app, count: int) -> None:
    """Through the submission service, as the API does: stored and committed (the outbox)."""
    schema = CommentSubmission()
    with app.app_context():
        for number in range(count):
            extra = {"nickname": "bot"} if number % 10 == 0 else {}
            data = schema.load(comment_payload(body=f"Comment number {number} on the budget.",
                                               thread=f"article-{number % 7}", **extra))
            submit_comment(data, ip=None, origin=None)
        db.session.remove()


def decided(app) -> int:
    return COMMENTS - count_pending(app)


def unclaimed(app) -> int:
    """Comments no relay has handed to the broker yet."""
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).where(Comment.queued_at.is_(None)))
        finally:
            db.session.rollback()


def queued(broker_url: str) -> int:
    with redis.Redis.from_url(broker_url) as connection:
        return connection.llen("celery")


def unacknowledged(broker_url: str) -> int:
    with redis.Redis.from_url(broker_url) as connection:
        return connection.zcard("unacked_index")


def decisions_from_pending(app) -> dict[int, list[tuple[str, str]]]:
    """Each comment's decisions out of pending: (new status, who decided)."""
    with app.app_context():
        rows = db.session.execute(
            select(StatusChange.comment_id, StatusChange.to_status, StatusChange.actor)
            .where(StatusChange.from_status == Status.PENDING.value)).all()
        ids = db.session.scalars(select(Comment.id)).all()
        db.session.rollback()
    decisions: dict[int, list[tuple[str, str]]] = {comment_id: [] for comment_id in ids}
    for comment_id, status, actor in rows:
        decisions[comment_id].append((status, actor))
    return decisions


def test_every_comment_is_decided_exactly_once_after_the_worker_is_killed_mid_batch(
        chaos_app, redis_server, tmp_path, relay, figure):
    submit_many(chaos_app, COMMENTS)
    wait_for(lambda: unclaimed(chaos_app) == 0, timeout=30, interval=0.1)
    assert queued(redis_server.url) > 0

    worker = PreforkWorker(chaos_app, redis_server.url, tmp_path, concurrency=2)
    worker.start()
    try:
        wait_for(lambda: decided(chaos_app) >= COMMENTS // 4, timeout=60, interval=0.02)
        worker.kill()
        at_kill = decided(chaos_app)
        assert at_kill < COMMENTS, "the worker finished before it could be killed"
        # Messages the dead worker had taken are neither done nor back in the queue.
        assert unacknowledged(redis_server.url) > 0

        worker.start()
        restarted = time.monotonic()
        # What the dead worker held is only in the database now: the relay hands it on again.
        wait_for(lambda: count_pending(chaos_app) == 0, timeout=60, interval=0.2)
        waited = time.monotonic() - restarted
    finally:
        worker.stop()
    figure("comments", COMMENTS)
    figure("decided when killed", at_kill)
    figure("last decision after the worker restarted (s)", round(waited, 1))
    # RELAY_CLAIM_SECONDS is 5 here; the worker's start (model load) comes on top.
    assert waited < 30, f"the last comment was decided {waited:.1f} s after the restart"

    decisions = decisions_from_pending(chaos_app)
    assert len(decisions) == COMMENTS
    twice = {cid: made for cid, made in decisions.items() if len(made) != 1}
    assert not twice, f"{len(twice)} not decided exactly once, e.g. {list(twice.items())[:3]}"
    for made in decisions.values():
        status, actor = made[0]
        assert Status(status) in FINAL_DECISIONS
        assert not actor.startswith("moderator")
    with chaos_app.app_context():
        statuses = dict(db.session.execute(
            select(Comment.status, func.count()).group_by(Comment.status)).all())
        db.session.rollback()
    assert statuses == {Status.APPROVED: COMMENTS - COMMENTS // 10, Status.SPAM: COMMENTS // 10}
