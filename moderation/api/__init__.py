"""HTTP API: flask-smorest blueprints whose schemas also make the OpenAPI spec."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from .. import ratelimits
from ..schemas import Error
from . import public, review


class ModerationApi(Api):
    """Errors are rendered by ``moderation.errors``, in the API's one error shape."""

    ERROR_SCHEMA = Error

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> ModerationApi:
    api = ModerationApi(app, spec_kwargs={"info": {
        "description": "Leave A Reply: submission, publishing and moderation of comments."}})
    api.register_blueprint(public.blp)
    api.register_blueprint(review.blp)
    ratelimits.init_app(app, public=public.blp, moderation=review.blp)
    return api
