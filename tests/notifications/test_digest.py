"""The moderators' digest: sent by real SMTP when the held queue is old or large, once per
interval, with counts and the review link and nothing of any author."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from moderation.extensions import db
from moderation.notifications.digest import send_due_digests
from moderation.orm import Site
from moderation.platform.periodic import Periodic
from moderation.sites import moderator_emails
from tests.integration_fixtures import wait_for
from workers.celery_app import celery_init_app

MODERATORS = ("desk@newsroom.example", "night.editor@newsroom.example")


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(args=list(args))

    return run


@pytest.fixture
def moderated(cli, site_policy) -> None:
    """The site holds every comment; its moderators hear of 3 held, or one held an hour."""
    site_policy(premoderate=True)
    result = cli("sites", "update", "news", "--moderator-email", MODERATORS[0],
                 "--moderator-email", MODERATORS[1], "--mail-from", "comments@news.example",
                 "--digest-held-count", "3", "--digest-held-age", "3600",
                 "--digest-interval", "7200")
    assert result.exit_code == 0, result.output


def hold(post_comment, count: int) -> list[str]:
    ids = []
    for number in range(count):
        response = post_comment(author_email=f"author{number}@readers.example",
                                author_name=f"Reader Number{number}", body=f"Held remark {number}.")
        assert response.get_json()["status"] == "held"
        ids.append(response.get_json()["id"])
    return ids


def digests(inbox) -> list:
    return [message for message in inbox.messages if message["To"] in MODERATORS]


def test_a_queue_larger_than_the_threshold_sends_each_moderator_one_digest(
        moderated, post_comment, cli, inbox):
    hold(post_comment, 3)
    assert cli("digest").output == "sent the digests of 1 sites\n"
    assert sorted(message["To"] for message in digests(inbox)) == sorted(MODERATORS)
    message = digests(inbox)[0]
    assert message["From"] == "comments@news.example"
    assert "3 comments held" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "on Daily News" in text and "Held for review: 3 (the oldest for less than" in text
    assert "Still being checked: 0" in text
    assert "http://comments.test/moderate/?site=news" in text
    assert message.get_body(("html",)) is not None
    raw = message.as_string()
    assert "readers.example" not in raw and "Reader Number" not in raw
    assert MODERATORS[1 if message["To"] == MODERATORS[0] else 0] not in raw


def test_an_old_held_comment_sends_a_digest_but_a_young_small_queue_does_not(
        moderated, post_comment, backdate, cli, inbox):
    old = hold(post_comment, 2)[1]
    backdate(60 * 59, old)
    assert cli("digest").output == "sent the digests of 0 sites\n"
    assert digests(inbox) == []
    backdate(2 * 60, old)
    assert cli("digest").output == "sent the digests of 1 sites\n"
    text = digests(inbox)[0].get_body(("plain",)).get_content()
    assert "Held for review: 2 (the oldest for 1 hour)" in text


def test_one_held_comment_is_one_comment_in_the_subject(moderated, post_comment, backdate, cli,
                                                         inbox):
    backdate(61 * 60, hold(post_comment, 1)[0])
    assert cli("digest").output == "sent the digests of 1 sites\n"
    assert digests(inbox)[0]["Subject"] == "1 comment held for review on Daily News"


def test_not_sent_again_within_the_interval_while_the_queue_stays_long(
        app, moderated, post_comment, cli, inbox):
    hold(post_comment, 4)
    assert cli("digest").output == "sent the digests of 1 sites\n"
    for _ in range(3):  # beat's next ticks
        assert cli("digest").output == "sent the digests of 0 sites\n"
    assert len(digests(inbox)) == 2
    with app.app_context():
        site = db.session.get(Site, "news")
        site.digest_sent_at -= timedelta(hours=2, seconds=1)
        db.session.commit()
    assert cli("digest").output == "sent the digests of 1 sites\n"
    assert len(digests(inbox)) == 4


def test_no_digest_without_moderator_addresses(moderated, post_comment, cli, inbox):
    assert cli("sites", "update", "news", "--no-moderator-emails").exit_code == 0
    hold(post_comment, 5)
    assert cli("digest").output == "sent the digests of 0 sites\n"
    assert inbox.messages == []


def test_a_digest_smtp_refused_is_sent_at_the_next_tick(app, moderated, post_comment, cli,
                                                         inbox):
    hold(post_comment, 3)
    url, app.config["SMTP_URL"] = app.config["SMTP_URL"], "smtp://127.0.0.1:1"
    assert cli("digest").output == "sent the digests of 0 sites\n"
    app.config["SMTP_URL"] = url
    assert cli("digest").output == "sent the digests of 1 sites\n"
    assert len(digests(inbox)) == 2


def test_one_moderator_refused_does_not_resend_the_others_copies(moderated, post_comment, cli,
                                                                  inbox):
    hold(post_comment, 3)
    inbox.refused.add(MODERATORS[0])
    assert cli("digest").output == "sent the digests of 1 sites\n"
    inbox.refused.clear()
    assert cli("digest").output == "sent the digests of 0 sites\n"  # the interval stands
    assert [message["To"] for message in digests(inbox)] == [MODERATORS[1]]


def test_moderator_addresses_are_sealed_masked_and_never_logged(
        app, moderated, post_comment, cli, inbox, caplog):
    caplog.set_level("DEBUG")
    hold(post_comment, 3)
    cli("digest")
    with app.app_context():
        stored = db.session.get(Site, "news").moderator_emails_ciphertext
    assert b"newsroom" not in stored
    shown = json.loads(cli("sites", "show", "news").output)
    assert shown["moderator_emails"] == ["d***@n***.example", "n***@n***.example"]
    assert shown["digest_held_count"] == 3 and shown["mail_from"] == "comments@news.example"
    listed = cli("sites", "list").output
    assert "newsroom" not in listed and "***@n***.example" in listed
    ours = "\n".join(record.getMessage() for record in caplog.records
                     if not record.name.startswith("mail."))  # not the test's SMTP server
    assert "newsroom" not in ours


def test_beat_sends_the_digests(app, moderated, post_comment, inbox):
    from workers import tasks

    schedule = celery_init_app(app).conf.beat_schedule["send-moderator-digests"]
    assert schedule["task"] == tasks.send_moderator_digests.name
    hold(post_comment, 3)
    with app.app_context():
        assert tasks.send_moderator_digests.run() == 1
    assert len(digests(inbox)) == 2


def test_embedded_mode_sends_the_digests_from_a_thread(app, moderated, post_comment, inbox,
                                                       caplog):
    hold(post_comment, 3)
    url, app.config["SMTP_URL"] = app.config["SMTP_URL"], "smtp://127.0.0.1:1"
    digesting = Periodic(app, 0.1, send_due_digests, "digests")  # what `serve` starts
    try:
        wait_for(lambda: "digest of site news not sent" in caplog.text, timeout=10)
        app.config["SMTP_URL"] = url
        wait_for(lambda: len(digests(inbox)) == 2, timeout=10)
    finally:
        digesting.stop()


def test_a_moderator_address_is_in_its_export_and_goes_with_its_erasure(app, moderated, cli):
    exported = json.loads(cli("privacy", "export", "Desk@Newsroom.example").output)
    assert exported["moderator_digests"] == ["news"]
    assert cli("privacy", "erase", "--yes", MODERATORS[0]).exit_code == 0
    with app.app_context():
        assert moderator_emails(db.session.get(Site, "news")) == [MODERATORS[1]]
    assert json.loads(cli("privacy", "export", MODERATORS[0]).output)["moderator_digests"] == []
