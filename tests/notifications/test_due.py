"""The outbox of subscribers' mail: what is owed is published when its time comes, once per
MAIL_CLAIM_SECONDS, broker or not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from moderation.extensions import db
from moderation.notifications import due
from moderation.orm import Subscription, utcnow


@pytest.fixture
def published(monkeypatch) -> list:
    """The jobs the relay would hand to the broker, instead of running them."""
    jobs = []
    monkeypatch.setattr(due, "publish", lambda name, *args: jobs.append((name, *args)))
    return jobs


def owe(app, **due_at) -> int:
    with app.app_context():
        subscription = db.session.scalars(db.select(Subscription)).one()
        for column, moment in due_at.items():
            setattr(subscription, column, moment)
        db.session.commit()
        return subscription.id


def test_an_owed_confirmation_is_published_when_due_then_not_again_within_the_claim(
        app, post_comment, inbox, published):
    post_comment(author_email="ann@example.com", notify_replies=True)
    subscription_id = owe(app, confirmation_due_at=utcnow() + timedelta(seconds=60))
    with app.app_context():
        assert due.publish_due() == 0  # not yet: its job may still be on its way
    owe(app, confirmation_due_at=utcnow() - timedelta(seconds=1))
    with app.app_context():
        assert due.publish_due() == 1
        assert due.publish_due() == 0  # claimed for MAIL_CLAIM_SECONDS
        moved = db.session.get(Subscription, subscription_id).confirmation_due_at
        assert timedelta(seconds=290) < moved - utcnow() <= timedelta(seconds=300)
    assert published == [(due.SEND_CONFIRMATION, subscription_id)]


def test_a_reply_within_the_batch_time_is_owed_for_its_end(app, subscriber, post_comment,
                                                           inbox, published):
    for body in ("Answer one.", "Answer two."):
        post_comment(author_email="bob@example.com", author_name="Bob", body=body,
                     parent_id=subscriber)
    with app.app_context():
        subscription = db.session.scalars(db.select(Subscription)).one()
        batch_ends = subscription.last_notified_at + timedelta(seconds=300)
        assert subscription.replies_due_at == batch_ends
        assert due.publish_due() == 0
    subscription_id = owe(app, replies_due_at=utcnow())
    with app.app_context():
        assert due.publish_due() == 1
    assert published == [(due.SEND_REPLIES, subscription_id)]


def test_the_confirmation_job_sends_once_however_often_it_runs(app, post_comment, inbox):
    from moderation.notifications.subscriptions import send_confirmation

    post_comment(author_email="ann@example.com", notify_replies=True)
    subscription_id = owe(app)
    with app.app_context():
        assert send_confirmation(subscription_id) is False  # sent already, nothing owed
    assert len(inbox.to("ann@example.com")) == 1
