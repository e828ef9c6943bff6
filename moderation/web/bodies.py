"""Request bodies are JSON objects: refuse other media types and undecodable JSON up front.

Decoding here, before webargs, also catches what ``json.loads`` raises outside
its usual error (``RecursionError`` for very deep nesting), which would
otherwise surface as a 500. Flask caches the decoded body for webargs.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest

from ..errors import ApiError

WITH_BODY = ("POST", "PATCH", "PUT")


class UnsupportedMediaType(ApiError):
    status, code, message = 415, "unsupported_media_type", "Send the body as application/json."


def require_json_body() -> None:
    if request.method not in WITH_BODY:
        return
    if not request.is_json:
        raise UnsupportedMediaType()
    if not request.get_data(cache=True):
        return  # no body at all: the schema names every missing field
    try:
        request.get_json()  # a ValueError inside becomes Flask's BadRequest
    except RecursionError as error:
        raise BadRequest() from error
