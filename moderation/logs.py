"""Process logging: one format, level from the environment."""

from __future__ import annotations

import logging

from flask import Flask


def init_app(app: Flask) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("moderation").setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("workers").setLevel(app.config["LOG_LEVEL"])
