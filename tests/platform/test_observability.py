"""Logs, request ids and metrics that ops can rely on."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from moderation.platform.logs import JsonFormatter, request_id
from tests.conftest import moderator_headers

METRICS_TOKEN = "metrics-scraper-token"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
with_metrics_token = pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": METRICS_TOKEN}])


def samples(client) -> dict[tuple, float]:
    response = client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for s in family.samples}


def test_every_response_carries_a_request_id_and_a_given_one_is_kept(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 16
    assert client.get("/healthz", headers={"X-Request-ID": "edge-42"}).headers[
        "X-Request-ID"] == "edge-42"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 100})
    assert forged.headers["X-Request-ID"].isalnum()


def test_log_lines_are_json_with_the_request_id():
    token = request_id.set("req-1")
    try:
        record = logging.LogRecord("moderation.x", logging.INFO, __file__, 1, "scored %s", ("c1",),
                                   None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "scored c1" and line["request_id"] == "req-1"
    assert line["level"] == "info" and line["logger"] == "moderation.x"


@with_metrics_token
def test_metrics_count_requests_submissions_decisions_and_queue(client, post_comment):
    before = samples(client)
    post_comment()
    post_comment(nickname="bot", body="A second, different remark.")
    after = samples(client)

    def moved(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert moved("moderation_comments_submitted_total", status="approved") == 1
    assert moved("moderation_comments_submitted_total", status="spam") == 1
    assert moved("moderation_comments_decided_total", status="spam",
                 decided_by="check:honeypot") == 1
    assert moved("moderation_http_requests_total", route="/api/v1/comments", method="POST",
                 status="202") == 2
    assert after[("moderation_queue_depth", (("status", "held"),))] == 0
    assert ("moderation_oldest_pending_age_seconds", ()) in after


def test_metrics_are_off_without_a_configured_token(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=SCRAPER).status_code == 404


@with_metrics_token
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", METRICS_TOKEN,
                                           f"Basic {METRICS_TOKEN}", "Bearer "])
def test_metrics_refuse_anyone_without_the_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert b"moderation_" not in response.data


@with_metrics_token
def test_made_up_methods_share_one_label_instead_of_adding_series(client):
    before = samples(client)
    for number in range(5):
        assert client.open("/healthz", method=f"ZZPROBE{number}").status_code == 405
    after = samples(client)
    methods = {dict(labels).get("method") for _name, labels in after}
    assert not [method for method in methods if method and method.startswith("ZZ")]
    key = ("moderation_http_requests_total",
           (("method", "other"), ("route", "unmatched"), ("status", "405")))
    assert after[key] - before.get(key, 0) == 5


@with_metrics_token
def test_moderator_decisions_are_counted_without_the_moderator_name(app, client, site,
                                                                     post_comment, site_policy):
    site_policy(premoderate=True)
    held = post_comment().get_json()["id"]
    auth = moderator_headers(app, "zq-moderator-name", site)
    decided = client.post(f"/api/v1/moderation/comments/{held}/decision",
                          json={"decision": "approve"}, headers=auth)
    assert decided.status_code == 200
    text = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
    assert "zq-moderator-name" not in text
    assert samples(client)[("moderation_moderator_decisions_total",
                            (("decision", "approve"),))] >= 1
