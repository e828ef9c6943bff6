"""Per-IP rate limits: on memory storage, and shared through real Redis."""

from __future__ import annotations

import uuid

import pytest
import redis
from prometheus_client import REGISTRY

from moderation.privacy import privacy
from moderation.review.moderators import create_moderator
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


@pytest.mark.parametrize("storage", ["memory", "redis"])
@pytest.mark.parametrize(("limits", "accepted"), [("2/minute;10/hour", 2), ("10/minute;3/hour", 3)])
def test_every_limit_of_a_request_applies(tmp_path, monkeypatch, storage, limits, accepted,
                                          request):
    url = request.getfixturevalue("redis_url") if storage == "redis" else "memory://"
    app = limited_app(tmp_path, monkeypatch, url, SUBMISSION_RATE_LIMIT=limits)
    codes = [response.status_code for response in post_many(app, accepted + 1)]
    assert codes == [202] * accepted + [429]


def test_the_limits_of_a_request_share_one_redis_round_trip(tmp_path, monkeypatch, redis_url):
    app = limited_app(tmp_path, monkeypatch, redis_url,
                      SUBMISSION_RATE_LIMIT="100/second;1000/minute;10000/hour")
    prefix = app.config["RATELIMIT_KEY_PREFIX"].encode()
    post_many(app, 1)  # loads the script into Redis
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def spy(connection, command, *args, **kwargs):
        packed = b"".join(command) if isinstance(command, list) else command
        if prefix in packed:
            sent.append(packed)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", spy)
    assert post_many(app, 1, ip="198.51.100.20")[0].status_code == 202
    assert len(sent) == 1
    assert len(redis.Redis.from_url(redis_url).keys(f"*{prefix.decode()}*")) == 3 * 2


def test_reads_are_not_limited_by_the_submission_limit(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", SUBMISSION_RATE_LIMIT="1/minute")
    client = app.test_client()
    codes = {client.get("/api/v1/comments?site=limits&thread=t").status_code for _ in range(5)}
    assert codes == {200}


QUEUE = "/api/v1/moderation/queue?site=limits"
BAD_TOKEN = {"Authorization": "Bearer guess"}


def moderator_client(app):
    with app.app_context():
        _, token = create_moderator("m", None, "moderator")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def test_failed_moderator_logins_are_limited_and_good_ones_do_not_count(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", MODERATION_AUTH_RATE_LIMIT="3/minute")
    client, good = moderator_client(app)
    for _ in range(5):
        assert client.get(QUEUE, headers=good).status_code == 200
    bad = [client.get(QUEUE, headers=BAD_TOKEN) for _ in range(4)]
    assert [response.status_code for response in bad] == [401, 401, 401, 429]
    assert bad[-1].get_json()["error"] == "rate_limited"
    assert 0 < int(bad[-1].headers["Retry-After"]) <= 60


def test_a_valid_token_passes_after_many_failed_ones_from_its_address(tmp_path, monkeypatch):
    """Nobody sharing a moderator's address can lock them out (audit F-04)."""
    app = limited_app(tmp_path, monkeypatch, "memory://", MODERATION_AUTH_RATE_LIMIT="20/minute")
    client, good = moderator_client(app)
    bad = [client.get(QUEUE, headers=BAD_TOKEN).status_code for _ in range(25)]
    assert bad == [401] * 20 + [429] * 5
    assert client.get(QUEUE, headers=good).status_code == 200
    assert client.get(QUEUE, headers=BAD_TOKEN).status_code == 429


def change(client, method: str, comment: dict, ip: str = "203.0.113.7"):
    return client.open(f"/api/v1/comments/{comment['id']}", method=method,
                       json={"body": "Edited."} if method == "PATCH" else None,
                       headers={"X-Author-Token": comment["author_token"]},
                       environ_base={"REMOTE_ADDR": ip})


def test_edits_and_deletes_are_limited_per_address(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", AUTHOR_CHANGE_RATE_LIMIT="3/minute")
    comments = [response.get_json() for response in post_many(app, 3)]
    client = app.test_client()
    edits = [change(client, "PATCH", comments[0]).status_code for _ in range(2)]
    deleted, refused = (change(client, "DELETE", comment) for comment in comments[1:])
    assert [*edits, deleted.status_code, refused.status_code] == [200, 200, 204, 429]
    assert refused.get_json()["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert change(client, "PATCH", comments[0], ip="198.51.100.9").status_code == 200


def test_the_edit_limit_does_not_spend_the_submission_limit(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, "memory://", SUBMISSION_RATE_LIMIT="2/minute",
                      AUTHOR_CHANGE_RATE_LIMIT="2/minute")
    comment = post_many(app, 1)[0].get_json()
    client = app.test_client()
    assert [change(client, "PATCH", comment).status_code for _ in range(3)] == [200, 200, 429]
    assert post_many(app, 2)[0].status_code == 202


def stored_keys(app, storage: str, redis_url: str | None) -> list[str]:
    if storage == "redis":
        prefix = app.config["RATELIMIT_KEY_PREFIX"]
        return [key.decode() for key in redis.Redis.from_url(redis_url).keys(f"*{prefix}*")]
    limiter = app.extensions["moderation.limiter"]
    return list(limiter.storage.storage)


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_counters_are_keyed_by_address_digest_never_the_address(tmp_path, monkeypatch, storage,
                                                                  request):
    redis_url = request.getfixturevalue("redis_url") if storage == "redis" else None
    app = limited_app(tmp_path, monkeypatch, redis_url or "memory://")
    comment = post_many(app, 1, ip="203.0.113.77")[0].get_json()
    client = app.test_client()
    assert change(client, "PATCH", comment, ip="203.0.113.77").status_code == 200
    assert client.get(QUEUE, headers=BAD_TOKEN,
                      environ_base={"REMOTE_ADDR": "203.0.113.77"}).status_code == 401
    keys = stored_keys(app, storage, redis_url)
    with app.app_context():
        digest = privacy().ip_digest("203.0.113.77")
    for counter in ("public.Comments", "public.OwnComment", "failed-moderator-logins"):
        assert any(counter in key for key in keys)
    assert all(digest in key and "203.0.113" not in key for key in keys)


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_submissions_are_counted_per_process_while_redis_is_away(tmp_path, monkeypatch, caplog):
    """A Redis outage costs the limits' sharing, never a submission (issue #15)."""
    app = limited_app(tmp_path, monkeypatch, UNREACHABLE_REDIS, SUBMISSION_RATE_LIMIT="3/minute")
    before = REGISTRY.get_sample_value("moderation_rate_limit_fallbacks_total") or 0
    codes = [response.status_code for response in post_many(app, 4)]
    assert codes == [202, 202, 202, 429]
    assert REGISTRY.get_sample_value("moderation_rate_limit_fallbacks_total") == before + 1
    assert "counting per process in memory" in caplog.text


def test_failed_logins_are_counted_per_process_while_redis_is_away(tmp_path, monkeypatch):
    app = limited_app(tmp_path, monkeypatch, UNREACHABLE_REDIS,
                      MODERATION_AUTH_RATE_LIMIT="2/minute")
    client = app.test_client()
    codes = [client.get(QUEUE, headers=BAD_TOKEN).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
