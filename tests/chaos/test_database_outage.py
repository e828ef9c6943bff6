"""PostgreSQL goes away: clients get 503 in the API's error shape, never a 500, and the
service comes back by itself once the database does, without restarting the app."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from moderation.extensions import db
from moderation.orm import Comment
from tests.chaos.conftest import scaled
from tests.chaos.traffic import (
    THREAD,
    UNAVAILABLE,
    Probe,
    all_decided,
    decisions,
    post,
    request,
)
from tests.conftest import SITE_ORIGIN, comment_payload, moderator_headers
from tests.integration_fixtures import http, http_server, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

OUTAGE = scaled(30)  # seconds
READY_WITHIN = 5  # seconds from the stop to /readyz's 503


def test_submissions_get_503_while_postgres_is_down_and_succeed_again_after(
        chaos_app, postgres_server):
    headers = moderator_headers(chaos_app, "alice", "news")
    with http_server(chaos_app) as base:
        status, accepted, _ = post(base, "Before the outage.")
        assert status == 202

        postgres_server.stop()
        status, body, response_headers = post(base, "During the outage.")
        assert (status, body) == (503, UNAVAILABLE)
        assert response_headers["Retry-After"] == "5"
        reads = [
            f"/api/v1/comments?site=news&thread={THREAD}",
            f"/api/v1/counts?site=news&thread={THREAD}",
            f"/api/v1/comments/{accepted['id']}",
            "/api/v1/moderation/queue?site=news",
        ]
        for path in reads:
            assert request("GET", base + path, headers={
                "X-Author-Token": accepted["author_token"], **headers})[:2] == (503, UNAVAILABLE)
        status, ready = http("GET", f"{base}/readyz")
        assert status == 503
        assert ready["error"] == "unavailable" and "database" in ready["message"]
        assert ready["checks"] == {"database": "unreachable", "broker": "ok",
                                   "models": "ok"}
        assert http("GET", f"{base}/healthz")[0] == 200

        postgres_server.start()
        # The same app, the same pool: stale connections are pinged and replaced.
        wait_for(lambda: http("GET", f"{base}/readyz")[0] == 200, timeout=20, interval=0.2)
        assert post(base, "After the outage.")[0] == 202
        for path in reads:
            assert request("GET", base + path, headers={
                "X-Author-Token": accepted["author_token"], **headers})[0] == 200
    with chaos_app.app_context():
        bodies = db.session.scalars(select(Comment.body)).all()
        db.session.rollback()
    assert sorted(bodies) == ["After the outage.", "Before the outage."]


@pytest.mark.parametrize("cached", [True, False], ids=["stale-policies", "no-policies"])
def test_a_cross_origin_submission_gets_503_once_the_site_cache_expires(
        chaos_app, postgres_server, cached):
    """The audit's 589 x 500: CORS reads the allowed origins after the handler made the 503,
    and once their cache expired that read failed while finalising the response."""
    with http_server(chaos_app) as base:
        assert request("POST", f"{base}/api/v1/comments", comment_payload(body="Warm."),
                       headers={"Origin": SITE_ORIGIN})[0] == 202
        postgres_server.stop()
        policies = chaos_app.extensions["site_policies"]
        if cached:
            for key, (_, policy) in list(policies.items()):
                policies[key] = (0.0, policy)  # expired, as 10 s into an outage
        else:
            policies.clear()
        status, body, response_headers = request(
            "POST", f"{base}/api/v1/comments", comment_payload(body="During the outage."),
            headers={"Origin": SITE_ORIGIN})
        assert (status, body) == (503, UNAVAILABLE)
        assert response_headers["Retry-After"] == "5"
        if cached:  # the widget can read the 503 and its Retry-After
            assert response_headers["Access-Control-Allow-Origin"] == SITE_ORIGIN


def test_a_connection_cut_at_commit_is_a_503_and_stores_nothing(chaos_app, postgres_server):
    """The database goes away between the insert and the commit."""

    cuts = []

    def cut_connections(_session: Session) -> None:
        if not cuts:  # the submission's one commit
            cuts.append(True)
            with postgres_server.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()",
                              (postgres_server.DATABASE,))

    with http_server(chaos_app) as base:
        event.listen(Session, "before_commit", cut_connections)
        try:
            status, body, _ = post(base, "Cut off at commit.")
        finally:
            event.remove(Session, "before_commit", cut_connections)
        assert (status, body) == (503, UNAVAILABLE)
        assert post(base, "Cut off at commit.")[0] == 202  # the retry is not a duplicate
    with chaos_app.app_context():
        assert db.session.scalars(select(Comment.body)).all() == ["Cut off at commit."]
        db.session.rollback()


class Load:
    """A few clients submitting and reading continuously, every answer kept as (sent at,
    answered at, route, status, body, headers)."""

    def __init__(self, base: str, threads: int = 4):
        self.base, self.threads = base, threads
        self.answers: list[tuple[float, float, str, int, dict, dict]] = []
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.numbers = itertools.count()
        self.accepted: dict | None = None

    def client(self, index: int) -> None:
        while not self.stopping.is_set():
            number, sent = next(self.numbers), time.time()
            if index % 2 == 0:
                route, (status, body, headers) = "POST", post(self.base, f"Under load, #{number}.")
                if status == 202:
                    self.accepted = body
            elif self.accepted is None or number % 2:
                route = "GET list"
                status, body, headers = request(
                    "GET", f"{self.base}/api/v1/comments?site=news&thread={THREAD}"
                    f"&sort=newest&limit=20")
            else:
                route, own = "GET own", self.accepted
                status, body, headers = request(
                    "GET", f"{self.base}/api/v1/comments/{own['id']}",
                    headers={"X-Author-Token": own["author_token"]})
            with self.lock:
                self.answers.append((sent, time.time(), route, status, body, headers))
            time.sleep(0.02)  # a reader's pace, not a benchmark's

    def answered_since(self, since: float, statuses: set[int]) -> bool:
        with self.lock:
            return any(sent >= since and status in statuses
                       for sent, _, _, status, _, _ in self.answers)

    def __enter__(self):
        self.workers = [threading.Thread(target=self.client, args=(i,), daemon=True)
                        for i in range(self.threads)]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *_exc):
        self.stopping.set()
        for worker in self.workers:
            worker.join(timeout=30)


def test_postgres_stopped_under_load_is_answered_503_and_recovers_without_a_restart(
        chaos_app, postgres_server, procfile, figure):
    """Issue #15 target 3, on the Procfile's processes: while PostgreSQL is down every answer
    is a 503 with Retry-After in the API's error shape, /healthz stays 200 and /readyz turns
    503 within seconds; once it is back the same processes answer again."""
    procfile.start()
    with Probe(procfile.base) as probe, Load(procfile.base) as load:
        time.sleep(2)
        stopping = time.time()
        postgres_server.stop()
        stopped = time.time()
        time.sleep(max(0.0, stopping + OUTAGE - time.time()))
        starting = time.time()
        postgres_server.start()
        wait_for(lambda: load.answered_since(starting, {200, 202}), timeout=60, interval=0.1)
        recovered = time.time()
        time.sleep(3)
    # Published lists may be served from the per-process cache a second more.
    cached = stopped + chaos_app.config["PUBLISHED_CACHE_SECONDS"] + 0.5
    during = Counter(status for sent, answered, _, status, _, _ in load.answers
                     if sent >= cached and answered <= starting)
    errors = [(status, body, headers) for *_, status, body, headers in load.answers
              if status >= 500]
    after = Counter(status for sent, *_, status, _, _ in load.answers
                    if sent >= recovered + 1)
    ready_503 = min(asked for asked, path, status, _ in probe.answers
                    if path == "/readyz" and status == 503 and asked >= stopping)
    health = Counter(status for _, path, status, _ in probe.answers if path == "/healthz")
    slowest = max(took for asked, _, _, took in probe.answers if stopping <= asked <= starting)
    accepted = [body["id"] for *_, route, status, body, _ in load.answers if status == 202]
    wait_for(lambda: all_decided(chaos_app, accepted), timeout=60, interval=0.2)

    figure("PostgreSQL down (s)", round(starting - stopping, 1))
    figure("answers while down", dict(during))
    figure("answers >= 500 (all)", dict(Counter(status for status, _, _ in errors)))
    figure("/healthz answers", dict(health))
    figure("/readyz 503 after the stop (s)", round(ready_503 - stopping, 2))
    figure("slowest /healthz or /readyz answer while down (s)", round(slowest, 2))
    figure("first 2xx after PostgreSQL started (s)", round(recovered - starting, 2))
    figure("answers after recovery", dict(after))

    assert during and set(during) == {503}, during
    assert all(status == 503 and body == UNAVAILABLE and headers.get("Retry-After") == "5"
               for status, body, headers in errors), errors[:3]
    assert set(health) == {200}, health
    assert ready_503 - stopping < READY_WITHIN
    assert set(after) <= {200, 202} and sum(after.values()) > 10, after
    assert procfile.web.log().count("Spawning worker-") == 2, "the server replaced a worker"
    assert all(len(made) == 1 for made in decisions(chaos_app, accepted).values())
