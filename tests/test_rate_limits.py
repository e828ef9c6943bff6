"""Per-IP rate limits: on memory storage, and shared through real Redis."""

from __future__ import annotations

import uuid

import pytest
import redis

from moderation.moderators import create_moderator
from moderation.sites import create_site
from tests.conftest import comment_payload, make_app


def limited_app(tmp_path, monkeypatch, storage: str, **config):
    config.setdefault("RATELIMIT_KEY_PREFIX", f"test-{uuid.uuid4().hex}")
    app = make_app(f"sqlite:///{tmp_path / 'limits.db'}", tmp_path, monkeypatch,
                   RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, **config)
    with app.app_context():
        create_site("limits", None, ["https://news.example"], flood_interval_seconds=0)
    return app


def post_many(app, count: int, ip: str = "203.0.113.7") -> list:
    client = app.test_client()
    return [client.post("/api/v1/comments", json=comment_payload(site="limits", body=f"c{n}"),
                        environ_base={"REMOTE_ADDR": ip}) for n in range(count)]


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_submissions_past_the_limit_get_429_with_retry_after(tmp_path, monkeypatch, storage,
                                                              request):
    url = request.getfixturevalue("redis_url") if storage == "redis" else "memory://"
    app = limited_app(tmp_path, monkeypatch, url, SUBMISSION_RATE_LIMIT="3/minute")
    responses = post_many(app, 4)
    assert [r.status_code for r in responses] == [202, 202, 202, 429]
    assert responses[-1].get_json()["error"] == "rate_limited"
    assert 0 < int(responses[-1].headers["Retry-After"]) <= 60
    assert post_many(app, 1, ip="198.51.100.9")[0].status_code == 202


def test_the_limit_is_shared_by_replicas_through_redis(tmp_path, monkeypatch, redis_url):
    prefix = f"shared-{uuid.uuid4().hex}"
    replicas = [limited_app(tmp_path / str(n), monkeypatch, redis_url,
                            SUBMISSION_RATE_LIMIT="2/minute", RATELIMIT_KEY_PREFIX=prefix)
                for n in range(2)]
    codes = [r.status_code for r in post_many(replicas[0], 2) + post_many(replicas[1], 1)]
    assert codes == [202, 202, 429]
    assert redis.Redis.from_url(redis_url).keys(f"*{prefix}*"), "counters must live in Redis"


def test_reads_are_not_limited_by_the_submission_limit(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", SUBMISSION_RATE_LIMIT="1/minute")
    client = app.test_client()
    codes = {client.get("/api/v1/comments?site=limits&thread=t").status_code for _ in range(5)}
    assert codes == {200}


def test_failed_moderator_logins_are_limited_and_good_ones_do_not_count(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", MODERATION_AUTH_RATE_LIMIT="3/minute")
    with app.app_context():
        _, token = create_moderator("m", None, "moderator")
    client = app.test_client()
    good = {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        assert client.get("/api/v1/moderation/queue?site=limits", headers=good).status_code == 200
    bad = [client.get("/api/v1/moderation/queue?site=limits",
                      headers={"Authorization": "Bearer guess"}).status_code for _ in range(4)]
    assert bad == [401, 401, 401, 429]
