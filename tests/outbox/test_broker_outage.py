"""Nothing lost when the broker is down: 202s are stored pending, the relay and the sweeper get
them scored."""

from __future__ import annotations

import time

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from moderation import create_app
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, StatusChange
from moderation.sites import create_site
from tests import conftest
from tests.conftest import comment_payload, make_app
from tests.integration_fixtures import (
    celery_worker,
    close_broker_connections,
    closed_port,
    queue_drained,
    redis_db,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 12


@pytest.fixture
def broker(redis_url):
    url = redis_db(redis_url, REDIS_DB)
    yield url
    redis_db(redis_url, REDIS_DB)


def pending_ids(app) -> list[int]:
    with app.app_context():
        ids = db.session.scalars(select(Comment.id).where(Comment.status == Status.PENDING)).all()
        db.session.rollback()
        return ids


def decisions_per_comment(app) -> dict[int, list[str]]:
    """Each comment's status changes after submission: its decisions, in order."""
    with app.app_context():
        rows = db.session.execute(
            select(StatusChange.comment_id, StatusChange.to_status)
            .where(StatusChange.actor != "submission").order_by(StatusChange.id)).all()
        db.session.rollback()
    decided: dict[int, list[str]] = {}
    for comment_id, status in rows:
        decided.setdefault(comment_id, []).append(status)
    return decided


def test_submissions_during_an_outage_are_kept_and_scored_once_the_broker_is_back(
        postgres_database, broker, tmp_path, monkeypatch):
    keys = [Fernet.generate_key().decode()]
    down = make_app(postgres_database, tmp_path, monkeypatch, EMAIL_ENCRYPTION_KEYS=keys,
                    CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0")
    with down.app_context():
        create_site("news", "Daily News", ["https://news.example"], flood_interval_seconds=0)
    client = down.test_client()
    accepted = []
    for number, extra in enumerate([{}, {}, {"nickname": "bot"}, {}, {}]):
        started = time.monotonic()
        response = client.post("/api/v1/comments", json=comment_payload(
            body=f"Said during the outage, #{number}", **extra))
        assert response.status_code == 202
        assert time.monotonic() - started < 1.5  # one refused connection, no retry loop
        assert response.get_json()["status"] == "pending"
        accepted.append(response.get_json()["id"])
    assert len(pending_ids(down)) == len(accepted)
    assert decisions_per_comment(down) == {}
    close_broker_connections(down)

    # The broker is back: the same database and keys, a live Redis.
    back = create_app(conftest.test_config(postgres_database, EMAIL_ENCRYPTION_KEYS=keys,
                                  CELERY_BROKER_URL=broker))
    runner = back.test_cli_runner()
    for _ in range(2):  # swept twice before a worker runs: duplicates must still decide once
        result = runner.invoke(args=["sweep", "--older-than", "0"])
        assert result.exit_code == 0 and "published 5 pending" in result.output
    with celery_worker(back, broker, tmp_path):
        wait_for(lambda: not pending_ids(back), timeout=30)
        assert runner.invoke(args=["sweep", "--older-than", "0"]).output.startswith("published 0")
        wait_for(lambda: queue_drained(broker), timeout=30)
    decided = decisions_per_comment(back)
    assert sorted(decided.values()) == [["approved"]] * 4 + [["spam"]]
    close_broker_connections(back)
