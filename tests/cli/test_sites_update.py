"""moderation sites update ID: every policy field without SQL, validated as on create."""

from __future__ import annotations

import pytest

from moderation.extensions import db
from moderation.orm import Site
from moderation.sites import moderator_emails, update_site


def update(app, *args: str):
    return app.test_cli_runner().invoke(args=["sites", "update", *args])


def test_update_changes_only_the_options_given(app, site):
    result = update(app, "news", "--premoderate", "--flood-interval", "5", "--held-word", "odd",
                    "--held-word", "odder", "--auto-approve-after", "3", "--origin",
                    "https://Other.example/")
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = db.session.get(Site, "news")
        assert (found.premoderate, found.flood_interval_seconds, found.held_words,
                found.auto_approve_after, found.allowed_origins) == (
            True, 5, ["odd", "odder"], 3, ["https://other.example"])
        assert (found.max_links, found.edit_window_seconds, found.name) == (2, 900, "Daily News")
    assert update(app, "news", "--no-premoderate").exit_code == 0
    with app.app_context():
        assert db.session.get(Site, "news").premoderate is False


def test_update_refuses_what_create_refuses(app, site):
    assert "at least 2" in update(app, "news", "--auto-approve-after", "1").output
    assert "not an http(s) origin" in update(app, "news", "--origin", "ftp://x").output
    assert update(app, "news", "--max-links", "-1").exit_code == 2
    assert "no site 'gone'" in update(app, "gone", "--max-links", "1").output
    with app.app_context():
        assert db.session.get(Site, "news").auto_approve_after == 0


def test_update_sets_the_sender_the_moderators_and_the_digest_thresholds(app, site):
    result = update(app, "news", "--mail-from", " Comments@News.example ", "--moderator-email",
                    "desk@newsroom.example", "--digest-held-age", "600", "--digest-held-count",
                    "5", "--digest-interval", "3600")
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = db.session.get(Site, "news")
        assert (found.mail_from, moderator_emails(found), found.digest_held_age_seconds,
                found.digest_held_count, found.digest_interval_seconds) == (
            "Comments@news.example", ["desk@newsroom.example"], 600, 5, 3600)
    assert update(app, "news", "--max-links", "3").exit_code == 0  # the rest stays
    assert update(app, "news", "--mail-from", "", "--no-moderator-emails").exit_code == 0
    with app.app_context():
        found = db.session.get(Site, "news")
        assert (found.mail_from, found.moderator_emails_ciphertext) == (None, None)
        assert found.digest_held_count == 5


def test_update_and_create_refuse_an_address_that_is_none_or_a_threshold_below_one(app, site):
    refused = update(app, "news", "--moderator-email", "desk@newsroom.example",
                     "--moderator-email", "not-an-address")
    assert refused.exit_code == 2 and "a moderator address is not a valid email" in refused.output
    assert "not-an-address" not in refused.output
    assert "sender address is not a valid" in update(app, "news", "--mail-from", "x@").output
    for option in ("--digest-held-age", "--digest-held-count", "--digest-interval"):
        assert update(app, "news", option, "0").exit_code == 2
    created = app.test_cli_runner().invoke(args=[
        "sites", "create", "other", "--origin", "https://other.example",
        "--moderator-email", "@nowhere"])
    assert created.exit_code == 2 and "not a valid email" in created.output
    with app.app_context():
        found = db.session.get(Site, "news")
        assert (found.moderator_emails_ciphertext, found.mail_from) == (None, None)
        assert db.session.get(Site, "other") is None
    with app.app_context(), pytest.raises(ValueError, match="positive"):
        update_site("news", digest_held_count=0)
