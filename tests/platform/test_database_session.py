"""Connections the database dropped: no error from the teardown, and the next request gets a
working connection; a connection in steady use costs no ping."""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from moderation import create_app
from moderation.comments.lookup import get_or_create_thread
from moderation.comments.store import NewComment, insert_unless_refused
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, StatusChange
from moderation.platform import database
from tests import conftest

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


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_statement_run_on_the_driver_fails_as_sqlalchemy_would_and_drops_the_connection(
        app, postgres_database, monkeypatch):
    """The submission's statements run on the psycopg connection itself (autocommit_rows):
    a dropped connection still fails as SQLAlchemy's OperationalError (a 503 for the API),
    leaves the pool, and the next statement gets a new one."""
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 3600)  # no ping hides it
    pid = select(func.pg_backend_pid())
    with app.app_context():
        ((victim,),) = database.autocommit_rows(pid, {})
        admin_url = postgres_database.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND pid <> pg_backend_pid()")
        with pytest.raises(OperationalError) as failed:
            database.autocommit_rows(pid, {})
        assert failed.value.connection_invalidated
        ((replaced,),) = database.autocommit_rows(pid, {})
        assert replaced != victim
        assert db.session.scalar(text("SELECT 1")) == 1  # the session's connections too


def test_a_statement_run_on_the_driver_gets_what_sqlalchemy_would_add(app, site):
    """Literals, Python-side column defaults and bind processing (JSON, enums, UTC times)
    are what SQLAlchemy's own execution sends, on either backend."""
    with app.app_context():
        thread_id = get_or_create_thread(site, "driver/thread").id
        db.session.commit()
        written = insert_unless_refused(NewComment(
            public_id="driver-check", site_id=site, author_name="A", author_url=None,
            email_ciphertext=None, email_digest=None, author_token_digest="t" * 64,
            ip_digest="i" * 64, body="B", body_digest="d" * 64, body_html="<p>B</p>",
            honeypot_filled=False), "driver/thread", None, None)
        comment = db.session.get(Comment, written.comment_id)
        assert written == (thread_id, False, False, None, None, comment.id)
        assert (comment.status, comment.scores, comment.reasons, comment.version,
                comment.risk, comment.thread_id) == (Status.PENDING, {}, [], 1, 0.0, thread_id)
        assert comment.created_at.tzinfo is not None
        (entry,) = db.session.scalars(select(StatusChange).filter_by(comment_id=comment.id))
        assert (entry.to_status, entry.actor, entry.details, entry.created_at) == (
            "pending", "submission", {}, comment.created_at)
        again = insert_unless_refused(NewComment(
            public_id="driver-again", site_id=site, author_name="A", author_url=None,
            email_ciphertext=b"sealed", email_digest="e" * 64, author_token_digest="u" * 64,
            ip_digest="i" * 64, body="b", body_digest="d" * 64, body_html="<p>b</p>",
            honeypot_filled=True), "driver/thread", comment.public_id,
            comment.created_at - timedelta(seconds=1))
        # a duplicate, within the flood interval, under a parent still pending: found, not written
        assert again == (thread_id, False, True, comment.created_at, None, None)


def test_a_statement_run_on_the_driver_with_no_database_to_reach_fails_as_sqlalchemy_would(
        tmp_path, monkeypatch):
    """A refused connection (PostgreSQL stopped) is SQLAlchemy's OperationalError, which the
    API answers 503, not psycopg's own, which would be a 500."""
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(conftest.test_config("postgresql+psycopg://postgres@127.0.0.1:9/nowhere"))
    with app.app_context(), pytest.raises(OperationalError):
        database.autocommit_rows(select(func.pg_backend_pid()), {})
