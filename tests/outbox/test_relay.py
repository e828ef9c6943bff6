"""The relay: pending comments are claimed once, handed on in batches, and again once aged."""

from __future__ import annotations

import threading

from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment
from moderation.outbox import relay
from tests.conftest import comment_payload


def pending_comments(app, client, count: int) -> list[int]:
    """Comments left pending: the broker is configured (unreachable), so nothing scores them."""
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    for number in range(count):
        response = client.post("/api/v1/comments", json=comment_payload(body=f"Remark {number}."))
        assert response.get_json()["status"] == "pending"
    with app.app_context():
        ids = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()
        db.session.rollback()
    return list(ids)


def test_two_relays_racing_claim_each_comment_once(app, client, site):
    ids = pending_comments(app, client, 30)
    claims: list[list[int]] = []
    start = threading.Barrier(2)

    def claim_all() -> None:
        with app.app_context():
            start.wait()
            mine = []
            while batch := relay.claim(limit=3):
                mine += batch
            claims.append(mine)
            db.session.remove()

    racers = [threading.Thread(target=claim_all) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert sorted(claims[0] + claims[1]) == ids


def test_a_claim_is_taken_again_only_once_it_has_aged(app, client, site):
    ids = pending_comments(app, client, 3)
    with app.app_context():
        assert relay.claim() == ids
        assert relay.claim() == []  # claimed a moment ago: someone is handling them
        assert relay.claim(claim_age=0) == ids  # the message was lost: hand them on again


def test_the_submission_does_not_talk_to_the_broker(app, client, site, monkeypatch):
    def refuse(*_args):
        raise AssertionError("published on the request path")

    monkeypatch.setattr(relay.queueing, "publish", refuse)
    pending_comments(app, client, 1)
