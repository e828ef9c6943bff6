"""Prometheus metrics: HTTP traffic, comments submitted and decided, scoring, queue health.

Counters live in each process; with ``PROMETHEUS_MULTIPROC_DIR`` set (web
workers and Celery workers on one machine share it) ``/metrics`` adds them up
across processes. Queue depth and the age of the oldest pending comment are
read from the database at scrape time, so every replica reports the truth.

Every label takes values from a fixed set (routes, known methods, statuses),
never a name or anything a client can vary at will, so the series stay few.
``/metrics`` answers only to ``Authorization: Bearer METRICS_TOKEN``; with no
token configured it does not exist (404).
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..lifecycle import Actor, Role, Status
from ..orm import Comment, utcnow
from . import hooks

HTTP_REQUESTS = Counter("moderation_http_requests_total", "HTTP requests answered.",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram("moderation_http_request_duration_seconds", "Time to answer.",
                         ["route", "method"],
                         buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
SUBMITTED = Counter("moderation_comments_submitted_total",
                    "Comments accepted, by status at response time.", ["status"])
DECIDED = Counter("moderation_comments_decided_total",
                  "Status changes, by new status and what decided it.", ["status", "decided_by"])
MODERATOR_DECISIONS = Counter("moderation_moderator_decisions_total",
                              "Moderators' decisions, by decision.", ["decision"])
SCORING_LATENCY = Histogram("moderation_scoring_duration_seconds",
                            "Time to score one comment, checks and models included.",
                            buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1))
RATE_LIMIT_FALLBACKS = Counter("moderation_rate_limit_fallbacks_total",
                               "Times a process lost the shared rate limit storage and began "
                               "counting in its own memory.")

METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"})

bp = Blueprint("metrics", __name__)


def method_label(method: str) -> str:
    """Any other method (a client may send ``ZZ1``, ``ZZ2``, …) shares the label ``other``."""
    return method if method in METHODS else "other"


def decider_label(actor: str) -> str:
    """Bounded label values: moderators and model versions are folded."""
    who = Actor.parse(actor)
    if who is None:
        return "other"
    if who.role is Role.MODERATOR:
        return str(Role.MODERATOR)
    if who.role is Role.MODEL:
        return str(Actor(Role.MODEL, who.name.split("-", 1)[0]))
    return actor


def record_decision(status: Status, actor: str) -> None:
    DECIDED.labels(status.value, decider_label(actor)).inc()


class QueueCollector:
    """Queue depth by status and the oldest pending comment's age, read at scrape time."""

    def collect(self):
        depth = GaugeMetricFamily("moderation_queue_depth", "Comments awaiting a decision.",
                                  labels=["status"])
        age = GaugeMetricFamily("moderation_oldest_pending_age_seconds",
                                "Age of the oldest comment still pending scoring.")
        try:
            counts = dict(db.session.execute(
                select(Comment.status, func.count())
                .where(Comment.status.in_((Status.PENDING, Status.HELD)))
                .group_by(Comment.status)).all())
            oldest = db.session.scalar(
                select(func.min(Comment.created_at)).where(Comment.status == Status.PENDING))
        except SQLAlchemyError:
            db.session.rollback()
            return
        for status in (Status.PENDING, Status.HELD):
            depth.add_metric([status.value], counts.get(status, 0))
        age.add_metric([], (utcnow() - oldest).total_seconds() if oldest else 0.0)
        yield depth
        yield age


def _require_token() -> None:
    """404 rather than 401 without a configured token: the route is then off, not guarded."""
    expected = current_app.config["METRICS_TOKEN"]
    if not expected:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             expected.encode()):
        abort(401)


@bp.get("/metrics")
def metrics() -> Response:
    _require_token()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_registry = CollectorRegistry()
        MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    queue_registry = CollectorRegistry()
    queue_registry.register(QueueCollector())
    body = generate_latest(process_registry) + generate_latest(queue_registry)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    route = request.url_rule.rule if request.url_rule else "unmatched"
    if route != "/metrics" and "metrics_started" in g:
        method = method_label(request.method)
        HTTP_REQUESTS.labels(route, method, response.status_code).inc()
        HTTP_LATENCY.labels(route, method).observe(
            time.perf_counter() - g.metrics_started)
    return response


def init_app(app: Flask) -> None:
    hooks.before_request(app, _start_timer)
    hooks.after_request(app, _observe)
    app.register_blueprint(bp)
