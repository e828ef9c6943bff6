"""Fixtures for chaos tests: servers of their own, the Procfile's processes on them, and the
app bound to them (to seed and inspect the database).

A missing server binary skips these tests on a developer machine and fails
them under CI, like the other tests that need a real service. ``CHAOS_SCALE``
sizes the scenarios: 1 is the issue's figures (``make chaos``), CI's default
0.1 runs the same scenarios with a tenth of the comments and outage seconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment
from moderation.sites import create_site
from tests.chaos.servers import MissingServer, PostgresServer, Procfile, RedisServer
from tests.conftest import SITE_ORIGIN, make_app, service_unavailable
from tests.integration_fixtures import close_broker_connections

SCALE = float(os.environ.get("CHAOS_SCALE", "0.1"))


def scaled(full: float) -> int:
    """A count or a number of seconds of the issue's scenario, at ``CHAOS_SCALE``."""
    return max(1, round(full * SCALE))


# A variant that adds little to its sibling's faults, left to ``make chaos`` to keep CI short.
full_scale_only = pytest.mark.skipif(SCALE < 1, reason="a variant for make chaos (CHAOS_SCALE=1)")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresServer]:
    """One cluster for the session (initdb is the slow part); tests may stop and start it."""
    try:
        server = PostgresServer()
    except MissingServer as error:
        service_unavailable("PostgreSQL (own instance)", error)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def postgres_server(postgres_cluster) -> Iterator[PostgresServer]:
    """The session's cluster, running at the start of the test and again after it."""
    postgres_cluster.ensure_running()
    yield postgres_cluster
    postgres_cluster.ensure_running()


@pytest.fixture
def redis_server(request, tmp_path) -> Iterator[RedisServer]:
    """Without persistence, unless parametrised (``indirect``) with ``persist=True``."""
    try:
        server = RedisServer(tmp_path, persist=getattr(request, "param", False))
    except MissingServer as error:
        service_unavailable("Redis (own instance)", error)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def chaos_app(postgres_server, redis_server, tmp_path, monkeypatch) -> Iterator[Flask]:
    """The app on the test's own PostgreSQL and Redis, with one site that has no flood limit."""
    app = make_app(postgres_server.url, tmp_path, monkeypatch,
                   CELERY_BROKER_URL=redis_server.url)
    with app.app_context():
        create_site("news", "Daily News", [SITE_ORIGIN], flood_interval_seconds=0)
    yield app
    close_broker_connections(app)


@pytest.fixture
def procfile(chaos_app, redis_server, tmp_path) -> Iterator[Procfile]:
    """The Procfile's processes on the test's servers (started by the test), always stopped."""
    processes = Procfile(chaos_app, redis_server.url, tmp_path)
    yield processes
    processes.kill()


_FIGURES: dict[str, dict[str, object]] = {}


@pytest.fixture
def figure(request) -> Callable[[str, object], None]:
    """Record a measured figure of this scenario for the report (``make chaos``)."""
    return lambda name, value: _FIGURES.setdefault(request.node.name, {}).__setitem__(name, value)


def pytest_sessionfinish(session) -> None:
    """With CHAOS_REPORT set, write every scenario's figures there as a Markdown table; the
    rows of scenarios this session did not run are kept, so ``-k`` reruns one section."""
    target = os.environ.get("CHAOS_REPORT")
    if not target or not _FIGURES:
        return
    kept = [row for scenario, row in _earlier_rows(Path(target)) if scenario not in _FIGURES]
    rows = kept + [f"| {scenario} | {name} | {value} |"
                   for scenario, figures in _FIGURES.items() for name, value in figures.items()]
    lines = ["# Chaos scenarios (issue #15)", "",
             f"Written by `make chaos`; last on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC for "
             f"{len(_FIGURES)} of them, load average {os.getloadavg()[0]:.1f} at the end.", "",
             "| scenario | figure | value |", "|---|---|---|"]
    lines += sorted(rows, key=lambda row: row.split(" | ")[0])  # stable: figures keep order
    Path(target).write_text("\n".join(lines) + "\n")


def _earlier_rows(report: Path) -> list[tuple[str, str]]:
    """(scenario, table row) of a report written before, in its order."""
    if not report.exists():
        return []
    return [(line.split(" | ")[0].removeprefix("| "), line)
            for line in report.read_text().splitlines()
            if line.startswith("| test_")]


def count_pending(app: Flask) -> int:
    with app.app_context():
        try:
            return len(db.session.scalars(
                select(Comment.id).where(Comment.status == Status.PENDING)).all())
        finally:
            db.session.rollback()
