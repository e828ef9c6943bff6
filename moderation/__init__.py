"""Comment moderation service: the Flask application."""

from __future__ import annotations

import inspect
import os

from flask import Flask
from flask.sessions import SessionInterface

from . import cli, errors, notifications, privacy, web
from .comments import publishing
from .config import Config
from .instance_secrets import resolve_secrets
from .outbox import after_commit, queueing, relay, webhooks
from .platform import database, logs, metrics
from .web import headers, ops, pages, proxies


def create_app(test_config: dict | None = None) -> Flask:
    app = ModerationApp(__name__, instance_path=os.environ.get("MODERATION_INSTANCE_PATH"),
                instance_relative_config=True, static_folder=None)
    app.session_interface = NoCookieSessions()
    os.makedirs(app.instance_path, exist_ok=True)
    config = Config(instance_path=app.instance_path)
    app.config.from_mapping(config.as_dict())
    if test_config:
        app.config.from_mapping(test_config)
    logs.init_app(app)
    headers.init_app(app)
    resolve_secrets(app.config, app.instance_path, production=config.is_production)

    database.init_app(app)
    after_commit.init_app()
    privacy.init_app(app)
    publishing.init_app(app)
    queueing.init_app(app)
    relay.init_app(app)
    webhooks.init_app(app)
    notifications.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)
    web.init_app(app)
    app.register_blueprint(ops.bp)
    pages.init_app(app)
    cli.init_app(app)
    proxies.init_app(app)
    return app


class ModerationApp(Flask):
    """Flask remembering which of its hooks and views are coroutines: its ``ensure_sync``
    inspects each one on every request (13 on a thread read), which cost a read more CPU
    than our CORS step. A bound method is looked up by its function (a ``MethodView`` binds
    anew per request), so the memory holds one entry per function."""

    def ensure_sync(self, func):
        plain = getattr(func, "__func__", func)
        try:
            is_coroutine = _COROUTINES[plain]
        except KeyError:
            is_coroutine = _COROUTINES[plain] = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if is_coroutine else func


_COROUTINES: dict = {}


class NoCookieSessions(SessionInterface):
    """Nothing here keeps state in a cookie (moderators send a token, readers nothing), so no
    request pays for reading and signing one; ``flask.session`` is Flask's null session."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response):
        pass

