"""Migrations build exactly the tables the code declares, and can be walked down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from moderation.extensions import db


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
