"""Logs, request ids and metrics that ops can rely on."""

from __future__ import annotations

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from moderation.logs import JsonFormatter, request_id


def samples(client) -> dict[tuple, float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


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


def test_metrics_count_requests_submissions_decisions_and_queue(client, post_comment):
    before = samples(client)
    post_comment()
    post_comment(nickname="bot")
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
