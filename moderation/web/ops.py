"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models.artifacts import ArtifactError

from ..extensions import db
from ..outbox.queueing import client
from ..scoring.checks.model_scores import scorer
from .proxies import UNTRUSTED_FORWARDING, untrusted_forwarding_seen

bp = Blueprint("ops", __name__)
FAILED = {"database": "unreachable", "broker": "unreachable", "models": "not loaded"}


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {"database": _database_ready(), "broker": _broker_ready(),
              "models": _models_ready()}
    failing = sorted(name for name, ok in checks.items() if not ok)
    if failing:
        body = {"error": "unavailable", "message": "Not ready: " + ", ".join(failing) + ".",
                "checks": {name: "ok" if ok else FAILED[name] for name, ok in checks.items()}}
        return jsonify(body), 503
    body = {"status": "ready", "checks": {name: "ok" for name in checks}}
    if untrusted_forwarding_seen():
        # Ready all the same: a misconfiguration to fix, not a reason to leave rotation.
        body["warnings"] = [UNTRUSTED_FORWARDING]
    return jsonify(body)


def _database_ready() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        db.session.rollback()


def _broker_ready() -> bool:
    if not current_app.config["CELERY_BROKER_URL"]:
        return True  # scoring runs in-process
    try:
        with client().connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except (BrokerError, OSError):
        return False


def _models_ready() -> bool:
    """Loaded once per process (then cached): a missing, altered or incompatible artifact
    keeps the instance out of rotation instead of failing every comment it would score."""
    try:
        scorer()
        return True
    except ArtifactError:
        current_app.logger.exception("models could not be loaded")
        return False
