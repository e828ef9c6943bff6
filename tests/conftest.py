"""Shared fixtures: an app on SQLite and on PostgreSQL, a client, a site, and a comment poster.

Tests that need PostgreSQL or Redis skip when the server is unreachable on a
developer machine, and fail in CI (``CI`` set), where the services must run.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
import redis
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from moderation import create_app
from moderation.extensions import db
from moderation.review.moderators import create_moderator
from moderation.scoring.checks import DEFAULT_CHECKS
from moderation.scoring.checks.model_scores import ModelScores
from moderation.sites import create_site

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SITE_ORIGIN = "https://news.example"
# In-process tests assert the rules, whatever the shipped models think of their fixture texts;
# the models' own tests and every test with a real worker process run the full DEFAULT_CHECKS.
RULE_CHECKS = tuple(check for check in DEFAULT_CHECKS if not isinstance(check, ModelScores))
TABLES = ("webhook_deliveries", "status_changes", "bans", "moderators", "comments", "threads",
          "sites")


def service_unavailable(name: str, error: Exception) -> None:
    message = f"{name} unreachable: {error}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run the tests that need it)")
    pytest.skip(message)


def test_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CELERY_BROKER_URL": "",
        "SECRET_KEY": "test-secret",
        "EMAIL_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "IDENTITY_HASH_KEY": "test-identity-key",
        "RATELIMIT_ENABLED": False,
        "SCORING_CHECKS": RULE_CHECKS,
        **overrides,
    }


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this test session's own, so parallel runs do not meet."""
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        service_unavailable("PostgreSQL", error)
    name = f"moderation_test_{os.getpid()}"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    return REDIS_URL


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'moderation.db'}"
    return request.getfixturevalue("postgres_database")


_migrated: set[str] = set()
_sqlite_template: list[Path] = []


def _copy_migrated_sqlite(database_url: str) -> None:
    """Migrate one SQLite file per session and copy it: much faster than migrating per test."""
    target = Path(database_url.removeprefix("sqlite:///"))
    if target.exists():
        return
    if not _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="moderation-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template_url = f"sqlite:///{folder / 'template.db'}"
        app = create_app(test_config(template_url, MODERATION_INSTANCE_PATH=str(folder)))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        _sqlite_template.append(folder / "template.db")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template[0], target)
    _migrated.add(database_url)


def make_app(database_url: str, tmp_path, monkeypatch, **overrides) -> Flask:
    """An app with its schema migrated to head and every table empty."""
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path / "instance"))
    if database_url.startswith("sqlite:///"):
        _copy_migrated_sqlite(database_url)
    app = create_app(test_config(database_url, **overrides))
    with app.app_context():
        if database_url not in _migrated:
            upgrade()
            _migrated.add(database_url)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in TABLES:
                db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
    return app


@contextmanager
def module_app(request, tmp_path_factory) -> Iterator[Flask]:
    """The app of a module-scoped fixture parametrised over ``BACKENDS``: one per backend."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    url = (f"sqlite:///{tmp_path / 'moderation.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_database"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = make_app(url, tmp_path, monkeypatch)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Config overrides for ``app``: ``@pytest.mark.parametrize("app_config", [{...}])``."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, monkeypatch, app_config) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path, monkeypatch, **app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def site(app):
    """A site with no flood interval, so tests may post in quick succession."""
    with app.app_context():
        return create_site("news", "Daily News", [SITE_ORIGIN], flood_interval_seconds=0).id


@pytest.fixture
def premoderated_site(app) -> str:
    """Like ``site``, but every new comment is held for a moderator."""
    with app.app_context():
        return create_site("news", "Daily News", [SITE_ORIGIN], premoderate=True,
                           flood_interval_seconds=0).id


def moderator_headers(app: Flask, name: str, site_id: str | None = None,
                      role: str = "moderator") -> dict:
    """A new moderator's ``Authorization`` header."""
    with app.app_context():
        return {"Authorization": f"Bearer {create_moderator(name, site_id, role)[1]}"}


_emails = itertools.count()


def comment_payload(**overrides) -> dict:
    payload = {
        "site": "news",
        "thread": "2026/11/city-council-budget",
        "body": "A thoughtful remark about the budget.",
        "author_name": "Jane Reader",
        "author_email": f"reader{next(_emails)}@example.com",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}


@pytest.fixture
def post_comment(client, site) -> Callable:
    """Post a valid comment (fields overridable; ``...`` drops one) and return the response."""

    def post(headers: dict | None = None, **overrides):
        return client.post("/api/v1/comments", json=comment_payload(**overrides),
                           headers=headers or {})

    return post


@pytest.fixture
def site_policy(app, site) -> Callable:
    """Change the test site's policy mid-test: ``site_policy(premoderate=True)``."""

    from moderation.orm import Site

    def change(**policy) -> None:
        with app.app_context():
            found = db.session.get(Site, site)
            for name, value in policy.items():
                setattr(found, name, value)
            db.session.commit()

    return change


@pytest.fixture
def backdate(app) -> Callable:
    """Move comments (given public ids, or all) ``seconds`` into the past, as if time passed."""

    from datetime import timedelta

    from sqlalchemy import select

    from moderation.orm import Comment

    def move(seconds: float, *public_ids: str) -> None:
        with app.app_context():
            query = select(Comment)
            if public_ids:
                query = query.where(Comment.public_id.in_(public_ids))
            for comment in db.session.scalars(query):
                comment.created_at -= timedelta(seconds=seconds)
            db.session.commit()

    return move


class Receiver:
    """A local HTTP webhook receiver: records every request, answers the next queued status.

    200 when none is left; a 3xx comes with a ``Location``, to see whether it is followed.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers), "body": body})
                reply = receiver.replies.pop(0) if receiver.replies else 200
                self.send_response(reply)
                if 300 <= reply < 400:
                    self.send_header("Location", "/landed-after-redirect")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
