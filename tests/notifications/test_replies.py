"""Reply notifications: only published replies, one email for several, one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from moderation.extensions import db
from moderation.notifications.replies import send_notifications
from moderation.orm import Subscription
from moderation.outbox.relay import InProcessRelay
from tests.conftest import moderator_headers
from tests.integration_fixtures import wait_for

UNSUBSCRIBE = "/notifications/unsubscribe"


@pytest.fixture
def approve(app, client, site):
    headers = moderator_headers(app, "alice")

    def decide(comment_id: str) -> None:
        response = client.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                               json={"decision": "approve"}, headers=headers)
        assert response.status_code == 200, response.get_json()

    return decide


def reply(post_comment, parent_id: str, body: str = "Bob's answer to Ann.") -> str:
    response = post_comment(author_email="bob@example.com", author_name="Bob", body=body,
                            parent_id=parent_id)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def test_a_published_reply_is_one_email_with_one_click_unsubscribe(subscriber, post_comment,
                                                                    inbox):
    reply(post_comment, subscriber)
    [message] = inbox.to("ann@example.com")[1:]
    text = message.get_body(("plain",)).get_content()
    assert "Bob replied" in text and "Bob's answer to Ann." in text
    assert "bob@example.com" not in message.as_string()
    assert message["List-Unsubscribe"].startswith(f"<http://comments.test{UNSUBSCRIBE}?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_while_the_reply_is_held_then_one_when_approved(
        subscriber, post_comment, site_policy, approve, inbox):
    site_policy(premoderate=True)
    held = reply(post_comment, subscriber)
    assert len(inbox.to("ann@example.com")) == 1  # the confirmation only
    approve(held)
    assert len(inbox.to("ann@example.com")) == 2


def test_a_burst_of_replies_is_one_more_email_after_the_batch_time(
        app, subscriber, post_comment, site_policy, approve, inbox):
    site_policy(premoderate=True)
    answers = [reply(post_comment, subscriber, f"Answer number {n}.") for n in (1, 2, 3)]
    for answer in answers:
        approve(answer)
    [first] = inbox.to("ann@example.com")[1:]
    assert "Answer number 1." in first.get_body(("plain",)).get_content()
    with app.app_context():
        subscription = db.session.scalars(db.select(Subscription)).one()
        assert send_notifications(subscription.id) > 0  # not yet: within the batch time
        subscription.last_notified_at -= timedelta(seconds=301)
        db.session.commit()
        assert send_notifications(subscription.id) == 0
        assert send_notifications(subscription.id) == 0  # a rerun tells nothing twice
    [second] = inbox.to("ann@example.com")[2:]
    text = second.get_body(("plain",)).get_content()
    assert "Answer number 2." in text and "Answer number 3." in text
    assert "Answer number 1." not in text and "New replies" in second["Subject"]


def test_without_a_broker_a_reply_within_the_batch_time_goes_out_when_it_ends(
        app, subscriber, post_comment, inbox):
    app.config["REPLY_BATCH_SECONDS"] = 2
    reply(post_comment, subscriber, "Answer one.")
    reply(post_comment, subscriber, "Answer two.")  # within the batch time: owed for its end
    assert len(inbox.to("ann@example.com")) == 2  # the confirmation and answer one
    relay = InProcessRelay(app)  # what `moderation serve` runs beside the app without a broker
    try:
        wait_for(lambda: len(inbox.to("ann@example.com")) == 3, timeout=10)
    finally:
        relay.stop()
    text = inbox.to("ann@example.com")[2].get_body(("plain",)).get_content()
    assert "Answer two." in text and "Answer one." not in text
    with app.app_context():
        assert db.session.scalars(db.select(Subscription)).one().replies_due_at is None


def test_after_one_click_unsubscribe_nothing_more_is_sent(app, client, subscriber, post_comment,
                                                             inbox):
    reply(post_comment, subscriber, "Answer one.")
    one_click = inbox.to("ann@example.com")[-1]["List-Unsubscribe"].strip("<>")
    path = one_click.removeprefix("http://comments.test")
    page = client.get(path)  # what a mail scanner opening the link gets: a button, no change
    assert page.status_code == 200 and '<form method="post">' in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Subscription)).one().unsubscribed_at is None
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    count = len(inbox.messages)
    reply(post_comment, subscriber, "Answer two.")
    assert len(inbox.messages) == count


def test_a_reply_to_an_unconfirmed_author_sends_nothing(post_comment, inbox):
    ann = post_comment(author_email="ann@example.com", notify_replies=True).get_json()["id"]
    reply(post_comment, ann)
    assert len(inbox.to("ann@example.com")) == 1  # the confirmation only
