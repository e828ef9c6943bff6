"""Structured logs: one JSON object per line, carrying the request id from web to worker.

Log messages name comments by their public id and never include an email,
token, IP address or comment body; the request id lets ops follow one
submission from the HTTP request into the Celery task that scored it.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, g, request

from . import hooks

REQUEST_ID_HEADER = "X-Request-ID"
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    """Idempotent: the web app and the worker both call it once per process."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    for name in ("moderation", "workers", "models"):
        logging.getLogger(name).setLevel(level)


def _start_request() -> None:
    """Trust a well-formed id from the proxy in front, else make one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SAFE_ID.match(given) else secrets.token_hex(8)
    g.request_id_token = request_id.set(g.request_id)


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _forget_request(_error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id.reset(token)


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging(app.config["LOG_LEVEL"])
    hooks.before_request(app, _start_request)
    hooks.after_request(app, _finish_request)
    app.teardown_request(_forget_request)
