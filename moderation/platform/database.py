"""Database binding: Flask-SQLAlchemy, Alembic migrations, SQLite fit for several writers."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ARRAY, ColumnElement, Connection, Executable, any_, bindparam, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError

from ..extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).parents[1] / "migrations")
# A pooled connection idle this long is pinged before use (see ``_pinger``).
IDLE_BEFORE_PING_SECONDS = 1.0


def one_of(column: ColumnElement, values: Collection) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, one parameter.

    An IN list takes a parameter per value: the scoring batch's hundred ids made a statement
    that psycopg parsed again on every call (it caches those of at most 50 parameters) and
    PostgreSQL planned again, its text changing with the batch's size.
    """
    if db.engine.dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


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


@dataclass(frozen=True)
class _DriverStatement:
    """A Core statement compiled once, with what SQLAlchemy would add to its parameters: the
    statement's own literals, the columns' Python-side defaults, each type's bind processing."""

    sql: str
    constants: dict[str, Any]
    defaults: tuple[tuple[str, Callable[[Any], Any]], ...]
    processors: dict[str, Callable[[Any], Any]]

    @classmethod
    def compile(cls, statement: Executable, dialect: Dialect) -> _DriverStatement:
        compiled = statement.compile(dialect=dialect)
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        processors = {}
        for name, bind in binds.items():
            process = dialect.type_descriptor(bind.type).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        return cls(compiled.string,
                   {name: bind.value for name, bind in binds.items() if bind.value is not None},
                   tuple((column.key, column.default.arg)
                         for column in compiled.insert_prefetch), processors)

    def parameters(self, given: dict[str, Any]) -> dict[str, Any]:
        values = {**self.constants,
                  **{name: default(None) if callable(default) else default
                     for name, default in self.defaults}, **given}
        for name, process in self.processors.items():
            if values.get(name) is not None:
                values[name] = process(values[name])
        return values


_DRIVER_STATEMENTS: dict[Executable, _DriverStatement] = {}


def autocommit_rows(statement: Executable, parameters: dict[str, Any]) -> Sequence[Sequence]:
    """The rows of one statement run as its own transaction, as ``autocommit()`` runs it.

    On PostgreSQL the statement, compiled once, runs on the pooled psycopg connection itself:
    SQLAlchemy's execution (connection and context objects, the autocommit switch and its
    reset, result and row objects) cost a submission's two statements about 100 µs each,
    three times what psycopg takes (issue #16). Errors still come as SQLAlchemy's (an
    ``OperationalError`` is a 503), and a connection the database dropped leaves the pool.
    """
    engine: Engine = db.engine
    dialect = engine.dialect
    if dialect.name != "postgresql":
        with autocommit() as connection:
            return connection.execute(statement, parameters).all()
    compiled = _DRIVER_STATEMENTS.get(statement)
    if compiled is None:
        compiled = _DRIVER_STATEMENTS[statement] = _DriverStatement.compile(statement, dialect)
    values = compiled.parameters(parameters)
    try:
        pooled = engine.raw_connection()
    except dialect.loaded_dbapi.Error as error:  # no connection to be had: as connect() says
        raise DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error
    driver = pooled.driver_connection
    try:
        driver.autocommit = True
        try:
            return driver.execute(compiled.sql, values, prepare=True).fetchall()
        finally:
            driver.autocommit = False
    except dialect.loaded_dbapi.Error as error:
        dropped = dialect.is_disconnect(error, pooled.dbapi_connection, None)
        if dropped:  # as SQLAlchemy's Connection does: this one and every older one go
            engine.pool._invalidate(pooled, error)
        raise DBAPIError.instance(compiled.sql, values, error, dialect.loaded_dbapi.Error,
                                  connection_invalidated=dropped,
                                  dialect=dialect) from error
    finally:
        pooled.close()


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
