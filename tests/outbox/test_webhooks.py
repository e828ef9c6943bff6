"""Signed webhooks, against a real local HTTP receiver."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, Site, WebhookDelivery
from moderation.outbox import webhooks
from moderation.scoring import score_comments


@pytest.fixture
def secret(app, site, receiver) -> str:
    result = app.test_cli_runner().invoke(args=["sites", "webhook", site, "--url", receiver.url])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_a_published_comment_is_announced_with_a_valid_signature(app, post_comment, receiver,
                                                                 secret):
    comment_id = post_comment(author_email="private@example.com").get_json()["id"]
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["X-Moderation-Event"] == "comment.approved"
    expected = webhooks.signature(secret, headers["X-Moderation-Timestamp"], request["body"])
    assert headers["X-Moderation-Signature"] == expected
    assert webhooks.signature("wrong", headers["X-Moderation-Timestamp"],
                              request["body"]) != expected
    payload = json.loads(request["body"])
    assert payload["comment"]["id"] == comment_id and payload["site"] == "news"
    assert "private@example.com" not in request["body"].decode().lower()
    assert [d.state for d in deliveries(app)] == ["delivered"]


def test_each_event_kind_is_sent(app, post_comment, receiver, secret):
    post_comment(nickname="bot")
    with app.app_context():
        db.session.get(Site, "news").premoderate = True
        db.session.commit()
    post_comment(body="held one")
    assert [r["headers"]["X-Moderation-Event"] for r in receiver.requests] == [
        "comment.rejected", "comment.held"]


def test_a_failing_receiver_is_retried_and_success_is_never_resent(app, post_comment, receiver,
                                                                   secret):
    receiver.replies = [500, 503]
    post_comment()
    (delivery,) = deliveries(app)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    with app.app_context(), pytest.raises(webhooks.DeliveryFailed):
        webhooks.deliver(delivery.id)
    with app.app_context():
        assert webhooks.deliver(delivery.id) == "delivered"
        assert webhooks.deliver(delivery.id) == "delivered"
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-Moderation-Delivery"] for r in receiver.requests}) == 1
    (delivery,) = deliveries(app)
    assert (delivery.state, delivery.attempts) == ("delivered", 3)


def test_a_client_error_is_final(app, post_comment, receiver, secret):
    receiver.replies = [410]
    post_comment()
    (delivery,) = deliveries(app)
    assert (delivery.state, delivery.last_status_code) == ("failed", 410)
    with app.app_context():
        assert webhooks.deliver(delivery.id) == "failed"
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_gives_up_after_the_last_attempt(app, post_comment, site):
    app.test_cli_runner().invoke(args=["sites", "webhook", site, "--url",
                                       "http://127.0.0.1:9/closed"])
    post_comment()
    (delivery,) = deliveries(app)
    with app.app_context():
        for _ in range(webhooks.MAX_ATTEMPTS - 2):
            with pytest.raises(webhooks.DeliveryFailed):
                webhooks.deliver(delivery.id)
        assert webhooks.deliver(delivery.id) == "failed"
    (delivery,) = deliveries(app)
    assert (delivery.attempts, delivery.last_error) == (webhooks.MAX_ATTEMPTS,
                                                        "URLError")


def test_a_change_that_rolls_back_sends_nothing(app, post_comment, receiver, secret):
    from moderation.comments.changes import change_status
    from moderation.lifecycle import Status
    from moderation.orm import Comment

    comment_id = post_comment().get_json()["id"]
    receiver.requests.clear()
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == comment_id))
        change_status(comment, Status.REJECTED, actor="moderator:test")
        db.session.rollback()
    assert receiver.requests == []
    assert len(deliveries(app)) == 1


def test_sites_without_a_webhook_record_nothing(app, post_comment):
    post_comment()
    assert deliveries(app) == []


def test_the_signing_secret_is_stored_encrypted(app, secret):
    with app.app_context():
        stored = db.session.scalar(select(Site.webhook_secret_ciphertext))
    assert secret.encode() not in stored


def test_a_delivery_for_a_webhook_turned_off_since_fails_without_sending(
        app, site, post_comment, receiver, secret):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"  # down: it waits in the table
    public_id = post_comment().get_json()["id"]
    with app.app_context():
        score_comments([db.session.scalar(
            select(Comment.id).where(Comment.public_id == public_id))])
    assert app.test_cli_runner().invoke(args=["sites", "webhook", site]).exit_code == 0
    (delivery,) = deliveries(app)
    with app.app_context():
        assert webhooks.deliver(delivery.id) == "failed"
    assert receiver.requests == []
    assert [(d.state, d.last_error) for d in deliveries(app)] == [
        ("failed", "webhook turned off")]


def test_a_delivery_never_attempted_is_sent_by_the_sweeper(app, post_comment, receiver, secret):
    from moderation.outbox.sweeping import sweep_pending

    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"  # down: nothing can be enqueued
    public_id = post_comment(nickname="bot").get_json()["id"]
    with app.app_context():
        score_comments([db.session.scalar(
            select(Comment.id).where(Comment.public_id == public_id))])
    assert receiver.requests == [] and [d.attempts for d in deliveries(app)] == [0]
    app.config["CELERY_BROKER_URL"] = ""  # in-process again
    with app.app_context():
        assert sweep_pending(0) == 1
        assert sweep_pending(0) == 0
    assert len(receiver.requests) == 1


def test_a_redirect_is_not_followed_and_not_delivered(app, post_comment, receiver, secret):
    receiver.replies = [302]
    post_comment()
    assert [(r["method"], r["path"]) for r in receiver.requests] == [("POST", "/hooks")]
    (delivery,) = deliveries(app)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 302)


def test_delivery_ids_are_random_not_a_count(app, post_comment, receiver, secret):
    post_comment(body="first")
    post_comment(body="second")
    ids = [r["headers"]["X-Moderation-Delivery"] for r in receiver.requests]
    assert len(set(ids)) == 2 and not any(delivery_id.isdigit() for delivery_id in ids)
    assert all(len(delivery_id) >= 16 for delivery_id in ids)


def test_a_plain_http_webhook_url_is_logged_as_a_warning(app, site, caplog):
    with caplog.at_level("WARNING", logger="moderation.outbox.webhooks"):
        app.test_cli_runner().invoke(args=["sites", "webhook", site, "--url",
                                           "https://hooks.example/ok"])
        assert caplog.records == []
        app.test_cli_runner().invoke(args=["sites", "webhook", site, "--url",
                                           "http://hooks.example/plain"])
    (record,) = caplog.records
    assert record.levelname == "WARNING" and "http://" in record.getMessage()
    assert webhooks.url_warning("HTTP://hooks.example/x") and not webhooks.url_warning(None)


def test_the_body_is_built_when_sent_and_the_row_stores_no_content(app, post_comment, receiver,
                                                                   secret):
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"  # down: it waits in the table
    public_id = post_comment(author_name="Rowena", body="Stored nowhere else").get_json()["id"]
    with app.app_context():
        score_comments([db.session.scalar(
            select(Comment.id).where(Comment.public_id == public_id))])
        comment = db.session.scalar(select(Comment).where(Comment.public_id == public_id))
        comment.author_name = "Renamed"
        db.session.commit()
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
        assert "payload" not in WebhookDelivery.__table__.c
        assert webhooks.deliver(delivery.id) == "delivered"
    sent = json.loads(receiver.requests[0]["body"])
    assert sent["comment"]["author_name"] == "Renamed"
    assert sent["comment"]["status"] == "approved" and sent["event"] == "comment.approved"


def test_deliveries_stored_with_their_body_keep_only_ids_after_the_upgrade(app, post_comment):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    public_id = post_comment(author_name="Old Row").get_json()["id"]
    with app.app_context():
        downgrade(revision="0004")
        comment_id = db.session.scalar(text("SELECT id FROM comments"))
        db.session.execute(text(
            "INSERT INTO webhook_deliveries (site_id, event, payload, state, attempts, created_at)"
            " VALUES ('news', 'comment.held', :payload, 'pending', 0, CURRENT_TIMESTAMP)"),
            {"payload": json.dumps({"event": "comment.held", "comment": {
                "id": public_id, "status": "held", "author_name": "Old Row"}})})
        db.session.commit()
        upgrade()
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
        assert (delivery.comment_id, delivery.status, delivery.event) == (
            comment_id, "held", "comment.held")
        assert len(delivery.public_id) == 16
        db.session.rollback()  # a migration's ALTER TABLE waits for every open transaction
        downgrade(revision="0004")
        stored = db.session.scalar(text("SELECT payload FROM webhook_deliveries"))
        assert "Old Row" not in str(stored) and public_id in str(stored)
        db.session.rollback()
        upgrade()
