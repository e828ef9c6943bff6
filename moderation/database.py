"""Database binding: Flask-SQLAlchemy, Alembic migrations, SQLite fit for several writers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).with_name("migrations"))


def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers run beside the writer; busy_timeout waits instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _end_session(_error: BaseException | None) -> None:
    """Close the session before Flask-SQLAlchemy does, and drop the connection if the close
    (its ROLLBACK) fails: a database that went away after the response was made must not
    turn that response into a 500 from the teardown."""
    try:
        db.session.close()
    except DBAPIError:
        db.session().invalidate()


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    app.teardown_appcontext(_end_session)  # registered after, so it runs before db's own
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)
