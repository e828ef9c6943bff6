"""A real Celery worker on Redis scores comments submitted over real HTTP, on PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from moderation.outbox.queueing import SCORE_COMMENTS, publish
from moderation.outbox.relay import InProcessRelay
from moderation.outbox.sweeping import sweep_pending
from moderation.sites import create_site
from tests.conftest import comment_payload, make_app
from tests.integration_fixtures import (
    celery_worker,
    close_broker_connections,
    final_status,
    http,
    http_server,
    redis_db,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 13
FINAL = {"approved", "held", "spam", "rejected"}
_bodies = itertools.count()


@pytest.fixture(scope="module")
def service(postgres_database, redis_url, tmp_path_factory):
    """The app over HTTP with a Redis broker, a relay, and a worker consuming from that
    broker."""
    tmp_path = tmp_path_factory.mktemp("worker-integration")
    broker = redis_db(redis_url, REDIS_DB)
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = make_app(postgres_database, tmp_path, monkeypatch, CELERY_BROKER_URL=broker)
        with app.app_context():
            create_site("news", "Daily News", ["https://news.example"], flood_interval_seconds=0)
        relay = InProcessRelay(app)
        with celery_worker(app, broker, tmp_path) as worker_log, http_server(app) as base_url:
            yield app, base_url, worker_log
        relay.stop()
        close_broker_connections(app)
    redis_db(redis_url, REDIS_DB)


def submit(base_url: str, **overrides) -> dict:
    status, body = http("POST", f"{base_url}/api/v1/comments",
                        comment_payload(**{"body": f"Integration remark {next(_bodies)}",
                                           **overrides}))
    assert status == 202, body
    return body


def status_log(app, public_id: str) -> list[tuple]:
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == public_id))
        changes = db.session.scalars(select(StatusChange).where(
            StatusChange.comment_id == comment.id).order_by(StatusChange.id)).all()
        db.session.rollback()
        return [(c.id, c.from_status, c.to_status, c.actor) for c in changes]


def test_a_clean_comment_is_approved_by_the_worker(service):
    app, base_url, _ = service
    accepted = submit(base_url)
    assert accepted["status"] in {"pending", *FINAL}
    assert final_status(base_url, accepted) == "approved"
    assert [change[1:] for change in status_log(app, accepted["id"])] == [
        (None, "pending", "submission"), ("pending", "approved", "scoring")]


def test_a_honeypot_comment_is_marked_spam_by_the_worker(service):
    app, base_url, _ = service
    accepted = submit(base_url, nickname="bot-filled-this")
    assert final_status(base_url, accepted) == "spam"
    assert [change[2] for change in status_log(app, accepted["id"])] == ["pending", "spam"]


def test_scoring_a_decided_comment_again_changes_nothing(service):
    app, base_url, _ = service
    decided = submit(base_url)
    assert final_status(base_url, decided) == "approved"
    before = status_log(app, decided["id"])
    with app.app_context():
        comment_id = db.session.scalar(
            select(Comment.id).where(Comment.public_id == decided["id"]))
        assert publish(SCORE_COMMENTS, [comment_id]) and publish(SCORE_COMMENTS, [comment_id])
        assert sweep_pending(0) == 0  # nothing is pending, so the sweeper sends nothing
    # The solo worker runs tasks in order: once a later comment is decided, so are the re-runs.
    assert final_status(base_url, submit(base_url)) == "approved"
    assert status_log(app, decided["id"]) == before


def test_the_worker_log_never_shows_the_email(service):
    _, base_url, worker_log = service
    address = f"worker-log-{next(_bodies)}@example.net"
    accepted = submit(base_url, author_email=address)
    assert final_status(base_url, accepted) == "approved"
    log = worker_log.read_text()
    assert accepted["id"] in log  # the scoring line names the comment by its public id
    assert address not in log.lower()


def test_a_poison_comment_no_longer_keeps_its_batch_mates_pending(service):
    """Audit IN-P1: "@a" * 2500 once raised in scoring and failed every comment batched
    with it. Submitted together, all of them are decided now."""
    _, base_url, worker_log = service
    poison = submit(base_url, body="@a" * 2500)
    mates = [submit(base_url) for _ in range(6)]
    assert final_status(base_url, poison) in FINAL
    assert {final_status(base_url, mate) for mate in mates} == {"approved"}
    assert "RecursionError" not in worker_log.read_text()
