"""moderation sites update ID: every policy field without SQL, validated as on create."""

from __future__ import annotations

from moderation.extensions import db
from moderation.orm import Site


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
