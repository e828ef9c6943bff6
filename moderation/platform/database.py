"""Database binding: Flask-SQLAlchemy, Alembic migrations, SQLite fit for several writers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError

from ..extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).parents[1] / "migrations")
# A pooled connection idle this long is pinged before use (see ``_pinger``).
IDLE_BEFORE_PING_SECONDS = 1.0


def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers run beside the writer; busy_timeout waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _pinger(engine: Engine):
    """``pool_pre_ping``, but only for a connection that sat idle in the pool.

    A ping on every checkout is a round trip on every request. A connection in steady use
    was working a moment ago, and the first one a database restart breaks makes SQLAlchemy
    invalidate every older connection in the pool; what a restart can catch unawares is a
    connection left idle across it, so only those are pinged, and a dead one is replaced
    before the request sees it.
    """

    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("stale pooled connection") from error

    return ping_if_idle


def _end_session(_error: BaseException | None) -> None:
    """Close the session before Flask-SQLAlchemy does, and drop the connection if the close
    (its ROLLBACK) fails: a database that went away after the response was made must not
    turn that response into a 500 from the teardown."""
    if not db.session.registry.has():  # this context never used the session
        return
    try:
        db.session.close()
    except DBAPIError:
        db.session().invalidate()


@contextmanager
def autocommit() -> Iterator[Connection]:
    """A connection outside the request's session, each statement its own transaction: no
    BEGIN and no COMMIT or ROLLBACK round trips, for reads and for one-statement writes."""
    with current_app.extensions["autocommit_engine"].connect() as connection:
        yield connection


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    app.teardown_appcontext(_end_session)  # registered after, so it runs before db's own
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        engine: Engine = db.engine
        # shares the engine's pool (and its events); built once, not per connection
        app.extensions["autocommit_engine"] = engine.execution_options(
            isolation_level="AUTOCOMMIT")
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)
        else:
            event.listen(engine, "checkin", _note_checkin)
            event.listen(engine, "checkout", _pinger(engine))
