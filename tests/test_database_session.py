"""The end of a request on a connection the database has dropped: no error from the teardown,
and the next request gets a working connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from moderation.extensions import db

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_killed_before_teardown_is_dropped_quietly(app):
    with app.app_context(), db.engine.connect() as admin:
        victim = db.session.scalar(text("SELECT pg_backend_pid()"))  # opens a transaction
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        admin.commit()
    # Leaving the context ran the teardown on the killed connection without raising.
    with app.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != victim
