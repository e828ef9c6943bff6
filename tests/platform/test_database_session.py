"""Connections the database dropped: no error from the teardown, and the next request gets a
working connection; a connection in steady use costs no ping."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text

from moderation.extensions import db
from moderation.platform import database

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


@pytest.fixture
def pings(app, monkeypatch) -> list:
    """Counts the pings the pool makes at checkout."""
    made = []
    with app.app_context():
        dialect = db.engine.dialect
        real = dialect.do_ping
        monkeypatch.setattr(dialect, "do_ping", lambda connection: made.append(1) or real(
            connection))
    return made


def backend_pid(app) -> int:
    with app.app_context():
        return db.session.scalar(text("SELECT pg_backend_pid()"))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_in_steady_use_is_not_pinged(app, pings):
    first = backend_pid(app)
    assert [backend_pid(app) for _ in range(3)] == [first] * 3
    assert pings == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_killed_while_idle_is_replaced_before_a_request_uses_it(
        app, pings, postgres_database, monkeypatch):
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 0.05)
    victim = backend_pid(app)
    admin_url = postgres_database.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (victim,))
    time.sleep(0.1)
    assert backend_pid(app) not in (victim, None)
    assert pings == [1]
