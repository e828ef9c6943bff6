"""Double opt-in: one confirmation by real SMTP, a signed idempotent link, no mail bombing."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest

from moderation.extensions import db
from moderation.notifications import mail
from moderation.orm import Subscription
from tests.notifications.conftest import link_in
from workers import tasks


def confirmation_link(message) -> str:
    return link_in(message, "/notifications/confirm")


def test_opting_in_sends_one_confirmation_with_a_signed_link(post_comment, inbox):
    assert post_comment(author_email="ann@example.com", notify_replies=True).status_code == 202
    [message] = inbox.to("ann@example.com")
    assert "Confirm" in message["Subject"]
    assert message.get_body(("html",)) is not None
    assert "/notifications/confirm?token=" in confirmation_link(message)


def test_no_email_without_the_box_ticked(post_comment, inbox):
    assert post_comment(author_email="ann@example.com").status_code == 202
    assert inbox.messages == []


def test_at_most_one_confirmation_an_hour_per_address(app, post_comment, inbox):
    for body in ("First remark.", "Second remark.", "Third remark."):
        post_comment(author_email="ann@example.com", notify_replies=True, body=body)
    assert len(inbox.to("ann@example.com")) == 1
    with app.app_context():
        subscription = db.session.scalars(db.select(Subscription)).one()
        subscription.confirmation_sent_at -= timedelta(hours=1, seconds=1)
        db.session.commit()
    post_comment(author_email="ann@example.com", notify_replies=True, body="Fourth remark.")
    assert len(inbox.to("ann@example.com")) == 2


def test_the_link_confirms_and_opening_it_again_is_fine(app, client, post_comment, inbox):
    post_comment(author_email="ann@example.com", notify_replies=True)
    link = confirmation_link(inbox.messages[0])
    assert "you will get an email" in client.get(link).get_data(as_text=True)
    assert client.get(link).status_code == 200
    with app.app_context():
        assert db.session.scalars(db.select(Subscription)).one().confirmed_at is not None
    post_comment(author_email="ann@example.com", notify_replies=True, body="Another remark.")
    assert len(inbox.messages) == 1  # confirmed: no new confirmation


def test_an_altered_or_expired_link_confirms_nothing(app, client, post_comment, inbox):
    post_comment(author_email="ann@example.com", notify_replies=True)
    link = confirmation_link(inbox.messages[0])
    assert client.get(link[:-2] + "xx").status_code == 404
    app.config["CONFIRMATION_LINK_DAYS"] = -1  # every link is older than that
    assert client.get(link).status_code == 404
    with app.app_context():
        assert db.session.scalars(db.select(Subscription)).one().confirmed_at is None


def test_the_address_is_sealed_and_never_logged(app, post_comment, inbox, caplog):
    caplog.set_level("DEBUG")
    post_comment(author_email="ann@example.com", notify_replies=True)
    token = confirmation_link(inbox.messages[0]).rpartition("=")[2]
    with app.app_context():
        stored = db.session.scalars(db.select(Subscription)).one()
        assert b"ann@example.com" not in stored.email_ciphertext
    ours = "\n".join(record.getMessage() for record in caplog.records
                     if not record.name.startswith("mail."))  # not the test's SMTP server
    assert "ann@example.com" not in ours and token not in ours


def test_a_refused_recipient_is_retried_without_its_address_in_what_celery_logs(
        app, post_comment, inbox, monkeypatch):
    post_comment(author_email="ann@example.com", notify_replies=True)
    with app.app_context():
        subscription = db.session.scalars(db.select(Subscription)).one()
        subscription.confirmation_due_at = subscription.created_at  # owed again
        db.session.commit()
        subscription_id = subscription.id

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})

    monkeypatch.setattr(mail, "deliver", refuse)
    with app.app_context(), pytest.raises(tasks.MailNotSent) as retried:
        tasks.send_confirmation.run(subscription_id)
    assert str(retried.value) == "SMTPRecipientsRefused"
    assert retried.value.__cause__ is None and retried.value.__context__ is None
