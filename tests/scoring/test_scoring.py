"""Scoring a stored comment: decisions are recorded once, and re-runs change nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, StatusChange
from moderation.scoring import score_comments


def stored(app, public_id: str) -> Comment:
    return db.session.scalar(select(Comment).where(Comment.public_id == public_id))


def log_length(comment_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(StatusChange).where(StatusChange.comment_id == comment_id))


def test_scoring_twice_changes_nothing_the_second_time(app, post_comment):
    public_id = post_comment().get_json()["id"]
    with app.app_context():
        comment = stored(app, public_id)
        before = (comment.status, comment.decided_at, log_length(comment.id))
        assert score_comments([comment.id]) == {}
        comment = stored(app, public_id)
        assert (comment.status, comment.decided_at, log_length(comment.id)) == before


def test_a_pending_comment_is_decided_with_its_reasons(app, client, site):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"  # unreachable: stays pending
    response = client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "author_name": "Bot", "author_email": "b@example.com",
        "body": "http://a.example http://b.example http://c.example"})
    assert response.get_json()["status"] == "pending"
    with app.app_context():
        comment = stored(app, response.get_json()["id"])
        assert score_comments([comment.id]) == {comment.id: Status.HELD}
        comment = stored(app, response.get_json()["id"])
        assert comment.reasons == [{"check": "links", "count": 3, "allowed": 2,
                                    "detail": "3 links (site allows 2)"}]
        last = db.session.scalars(select(StatusChange).where(
            StatusChange.comment_id == comment.id).order_by(StatusChange.id.desc())).first()
        assert (last.from_status, last.to_status, last.actor) == ("pending", "held", "check:links")


def test_scoring_an_unknown_comment_is_a_no_op(app):
    with app.app_context():
        assert score_comments([987654]) == {}
