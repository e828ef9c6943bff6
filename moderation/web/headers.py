"""Headers every response carries, whatever produced it (API, asset, page or error)."""

from __future__ import annotations

from flask import Flask, Response

from ..platform import hooks


def _no_sniffing(response: Response) -> Response:
    """Browsers must take each response for the type it declares: JSON is never run as script."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask) -> None:
    hooks.after_request(app, _no_sniffing)
