"""HTTP API: flask-smorest blueprints whose schemas also make the OpenAPI spec."""

from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api

from . import notifications, public, ratelimits, review
from .schemas.public import Error

WITH_BODY = {"post", "patch", "put"}


class CommonErrors(BasePlugin):
    """Document on every operation the errors that whole kinds of operations answer, so the
    spec lists each status a client can get (there is no catch-all ``default``):

    - any operation: 503 while the database is unreachable;
    - with a request body: 400 (not JSON), 413 (too large), 415 (not application/json),
      422 (invalid fields);
    - on a comment id: 404;
    - the moderation API: 401 (no valid token), 403 (another site), 429 (failed logins).

    Errors of one operation only are declared on its view with ``alt_response``.
    """

    def operation_helper(self, path=None, operations=None, **_kwargs) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}
            for status in self._errors(path or "", method):
                if str(status) not in documented:
                    responses[str(status)] = HTTPStatus(status).name  # a lazy component

    @staticmethod
    def _errors(path: str, method: str) -> list[int]:
        errors = [503]
        if method in WITH_BODY:
            errors += [400, 413, 415, 422]
        if "{comment_id}" in path:
            errors.append(404)
        if path.startswith(review.blp.url_prefix):
            errors += [401, 403, 429]
        return errors


class ModerationApi(Api):
    """Errors are rendered by ``moderation.errors``, in the API's one error shape."""

    ERROR_SCHEMA = Error
    DEFAULT_ERROR_RESPONSE_NAME = None  # every status is named: see CommonErrors

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> ModerationApi:
    api = ModerationApi(app, spec_kwargs={
        "info": {"description": "Leave A Reply: submission, publishing and moderation of "
                                "comments."},
        "extra_plugins": [CommonErrors()],
    })
    api.register_blueprint(public.blp)
    api.register_blueprint(review.blp)
    app.register_blueprint(notifications.bp)
    ratelimits.init_app(app, public=public.blp)
    return api
