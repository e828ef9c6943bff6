"""Domain errors and the one handler that turns every error into the API's error body.

Body shape (API.md): ``{"error": code, "message": text, "fields": {...}}``.
Messages are fixed strings chosen here, never echoes of the input, so a
submitted email can never come back in an error.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Base of the errors services raise; each maps to one status and machine code."""

    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields
        self.headers = headers or {}


class ValidationFailed(ApiError):
    status, code, message = 422, "validation_failed", "Some fields are invalid."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found."


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "Not allowed."


class ThreadClosed(ApiError):
    status, code, message = 403, "thread_closed", "This thread is closed for comments."


class Duplicate(ApiError):
    status, code, message = 409, "duplicate", "You have already posted this comment here."


class Conflict(ApiError):
    status, code, message = 409, "conflict", "The comment changed; reload and try again."


class EditWindowClosed(ApiError):
    status, code, message = 403, "edit_window_closed", "The edit window for this comment is over."


class RateLimited(ApiError):
    status, code, message = 429, "rate_limited", "You are posting too fast; wait a moment."

    def __init__(self, retry_after: int):
        super().__init__(headers={"Retry-After": str(retry_after)})


# marshmallow's message for a key no schema field declares, and where the API reports it.
UNKNOWN_FIELD_MESSAGE = "Unknown field."
UNKNOWN_FIELDS = "_unknown"

# Werkzeug's HTTP errors, by status, in the API's words.
HTTP_CODES = {
    400: ("bad_request", "The request body is not valid JSON."),
    401: ("unauthorized", "Authentication required."),
    403: ("forbidden", "Not allowed."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    429: ("rate_limited", "Too many requests; wait a moment."),
}


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   headers: dict | None = None):
    body: dict[str, object] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if error.code == 422 and messages:
        # webargs/marshmallow validation errors, keyed by location ("json", "query")
        fields = {_field_name(name, errs): _flat(errs) for location in messages.values()
                  for name, errs in location.items()}
        return error_response(422, "validation_failed", ValidationFailed.message, fields)
    code, message = HTTP_CODES.get(error.code or 500, ("error", error.name))
    return error_response(error.code or 500, code, message, headers=data.get("headers"))


def _field_name(name: str, errors: list | dict) -> str:
    """Unknown fields all answer under ``UNKNOWN_FIELDS``: the caller's key (an email, say)
    never comes back."""
    return UNKNOWN_FIELDS if errors == [UNKNOWN_FIELD_MESSAGE] else name


def _flat(errors: list | dict) -> list[str]:
    """A list field's errors come keyed by item index; the API promises a list per field."""
    if isinstance(errors, dict):
        return list(dict.fromkeys(m for item in errors.values() for m in _flat(item)))
    return list(errors)


def handle_database_unavailable(error: OperationalError):
    log.error("database unavailable: %s", type(error.orig).__name__)
    return error_response(503, "unavailable", "The service is temporarily unavailable.",
                          headers={"Retry-After": "5"})


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    return error_response(500, "internal_error", "Something went wrong on our side.")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
