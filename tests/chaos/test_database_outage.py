"""PostgreSQL goes away: clients get 503 in the API's error shape, never a 500, and the
service comes back by itself once the database does, without restarting the app."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from moderation.extensions import db
from moderation.orm import Comment
from tests.conftest import SITE_ORIGIN, comment_payload, moderator_headers
from tests.integration_fixtures import http, http_server, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

THREAD = "2026/11/city-council-budget"
UNAVAILABLE = {"error": "unavailable", "message": "The service is temporarily unavailable."}


def request(method: str, url: str, payload: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict, dict]:
    """Like ``http`` but also returns the response headers."""
    data = json.dumps(payload).encode() if payload is not None else None
    sent = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(sent, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def post(base: str, body: str) -> tuple[int, dict, dict]:
    return request("POST", f"{base}/api/v1/comments", comment_payload(body=body))


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
    """A few clients submitting and reading continuously, every answer kept with its time."""

    def __init__(self, base: str, threads: int = 4):
        self.base, self.threads = base, threads
        self.answers: list[tuple[float, str, int]] = []
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.numbers = itertools.count()
        self.accepted: dict | None = None

    def client(self, index: int) -> None:
        while not self.stopping.is_set():
            number = next(self.numbers)
            if index % 2 == 0:
                route, (status, body, _) = "POST", post(self.base, f"Under load, #{number}.")
                if status == 202:
                    self.accepted = body
            elif self.accepted is None or number % 2:
                route = "GET list"
                status = request("GET", f"{self.base}/api/v1/comments?site=news&thread={THREAD}"
                                 f"&sort=newest&limit=20")[0]
            else:
                route, own = "GET own", self.accepted
                status = request("GET", f"{self.base}/api/v1/comments/{own['id']}",
                                 headers={"X-Author-Token": own["author_token"]})[0]
            with self.lock:
                self.answers.append((time.monotonic(), route, status))

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


def test_restarting_postgres_under_load_never_gives_a_500(chaos_app, postgres_server):
    with http_server(chaos_app) as base, Load(base) as load:
        time.sleep(2)
        postgres_server.stop(mode="fast")  # a restart: sessions are told to go, then cut
        time.sleep(1)
        postgres_server.start()
        recovered = time.monotonic() + 2  # a short grace for the pool to notice
        time.sleep(5)
    answers = Counter((route, status) for _, route, status in load.answers)
    assert not [key for key in answers if key[1] >= 500 and key[1] != 503], answers
    after = Counter((route, status) for at, route, status in load.answers if at > recovered)
    assert sum(after.values()) > 20, answers
    assert all(status in (200, 202) for _, status in after), after
    assert answers.get(("POST", 503)), f"the outage was not seen: {answers}"
    assert answers.get(("GET own", 200)) and answers.get(("GET list", 200)), answers
