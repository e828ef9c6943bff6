"""Subscriptions under the privacy promises: export, erasure, undeliverable by CLI."""

from __future__ import annotations

import json

from moderation.extensions import db
from moderation.orm import Subscription


def test_export_lists_the_subscriptions_and_erasure_removes_them(app, subscriber):
    runner = app.test_cli_runner()
    exported = json.loads(runner.invoke(args=["privacy", "export", "ann@example.com"]).output)
    [subscription] = exported["subscriptions"]
    assert subscription["site"] == "news" and subscription["confirmed_at"]
    assert runner.invoke(args=["privacy", "erase", "--yes", "ann@example.com"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(db.select(Subscription)).all() == []


def test_an_undeliverable_address_gets_nothing_more(app, post_comment, subscriber, inbox):
    result = app.test_cli_runner().invoke(args=["privacy", "undeliverable", "Ann@Example.com"])
    assert result.output == "marked undeliverable: 1 subscriptions\n"
    post_comment(author_email="bob@example.com", author_name="Bob", parent_id=subscriber,
                 body="A reply nobody will be told of.")
    post_comment(author_email="ann@example.com", notify_replies=True, body="Again, please.")
    assert len(inbox.to("ann@example.com")) == 1  # the first confirmation only
