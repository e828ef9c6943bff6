"""Migrations build exactly the tables the code declares, and can be walked down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from moderation.extensions import db
from moderation.orm import Site
from moderation.privacy import privacy


def schema_drift(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrated_schema_matches_the_tables_in_code(app):
    assert schema_drift(app) == []


def test_downgrade_to_nothing_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"sites", "threads", "comments", "status_changes", "moderators", "bans"} <= set(
            inspect(db.engine).get_table_names())
    assert schema_drift(app) == []


def test_webhook_secrets_are_encrypted_on_the_way_up_and_restored_on_the_way_down(app, site):
    with app.app_context():
        downgrade(revision="0003")
        db.session.execute(text("UPDATE sites SET webhook_url = 'https://hook.example/x', "
                                "webhook_secret = 'plain-secret' WHERE id = :id"), {"id": site})
        db.session.commit()
        upgrade()
        stored = db.session.scalar(select(Site.webhook_secret_ciphertext))
        assert b"plain-secret" not in stored
        assert privacy().open_secret(stored) == "plain-secret"
        db.session.rollback()  # a migration's ALTER TABLE waits for every open transaction
        downgrade(revision="0003")
        assert db.session.scalar(text("SELECT webhook_secret FROM sites")) == "plain-secret"
        db.session.rollback()
        upgrade()


def test_migrations_walk_down_and_up_over_stored_comments(app, post_comment):
    """A table rebuilt by a migration (SQLite's batch mode) keeps the rows pointing at it."""
    posted = post_comment().get_json()["id"]
    with app.app_context():
        log_entries = db.session.scalar(text("SELECT count(*) FROM status_changes"))
        db.session.rollback()
        downgrade(revision="0004")
        upgrade()
        assert db.session.scalar(text("SELECT count(*) FROM status_changes")) == log_entries
        assert db.session.scalar(text("SELECT public_id FROM comments")) == posted


def test_status_changes_get_their_comments_site_and_submission_time_on_the_way_up(
        app, post_comment):
    post_comment(body="first")
    post_comment(body="second", thread="another-article")
    with app.app_context():
        db.session.rollback()
        downgrade(revision="0012")
        upgrade()
        copies = db.session.execute(text(
            "SELECT s.site_id, c.site_id, s.comment_created_at, c.created_at "
            "FROM status_changes s JOIN comments c ON c.id = s.comment_id")).all()
    assert len(copies) >= 4  # each comment's submission and scoring
    assert all(row[0] == row[1] and row[2] == row[3] for row in copies)
