"""Entry point for ``celery -A workers.app worker|beat``: builds the Flask app once per process."""

from __future__ import annotations

from celery.signals import setup_logging, worker_process_init

from moderation import create_app
from moderation.extensions import db
from moderation.scoring.checks.model_scores import scorer

from .celery_app import celery_init_app

flask_app = create_app()
celery = celery_init_app(flask_app)


@setup_logging.connect
def _keep_json_logging(**_kwargs) -> None:
    """Connected, so Celery leaves the root logger to ``moderation.platform.logs`` (JSON lines)."""


@worker_process_init.connect
def _prepare_worker_process(**_kwargs) -> None:
    """A forked worker must not reuse the parent's database sockets; it scores from the start."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
        scorer()  # load the models now, not on the first comment of each process
