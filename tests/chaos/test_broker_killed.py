"""Redis dies for a minute while submissions stream in (issue #15 targets 1 and 2): every
submission is a 202 (the limits count per process meanwhile, and say so), none is lost, all
are decided soon after Redis returns, with its data or empty, and nothing waits afterwards."""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import full_scale_only, scaled
from tests.chaos.traffic import Stream, all_decided, decisions, metric, post, request
from tests.integration_fixtures import final_status, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

SUBMISSIONS, RATE = scaled(1200), 20  # a minute of submissions at full scale
OUTAGE = scaled(60)  # seconds
DECIDED_WITHIN = 30  # seconds after Redis returns


@pytest.mark.parametrize("redis_server", [
    pytest.param(False, id="restarted-empty"),
    pytest.param(True, id="restarted-with-its-data", marks=full_scale_only),
], indirect=True)
def test_a_minute_without_redis_costs_no_submission_and_delays_none_for_long(
        chaos_app, redis_server, procfile, figure):
    procfile.start()
    status, warm, _ = post(procfile.base, "Before the outage.")
    assert status == 202
    final_status(procfile.base, warm, timeout=30)

    with Stream(procfile.base, SUBMISSIONS, RATE) as stream:
        wait_for(lambda: stream.answered() >= RATE, timeout=30, interval=0.01)
        redis_server.stop()
        killed = time.time()
        time.sleep(max(0.0, killed + OUTAGE - time.time() - 1))
        ready_during_outage = request("GET", f"{procfile.base}/readyz")[:2]
        fallbacks = metric(procfile, "moderation_rate_limit_fallbacks_total")
        time.sleep(max(0.0, killed + OUTAGE - time.time()))
        redis_server.start()
        restarted = time.time()
    during = [body["id"] for _, sent, status, body, _ in stream.answers
              if killed <= sent < restarted and status == 202]
    wait_for(lambda: all_decided(chaos_app, stream.accepted()), timeout=DECIDED_WITHIN + 30,
             interval=0.2)
    decided = decisions(chaos_app, stream.accepted())
    last_decision = max(max(made) for made in decided.values())

    # Target 2: after the reconnect nothing waits for a batch to fill.
    time.sleep(max(0.0, restarted + 5 - time.time()))
    posted = time.monotonic()
    status, late, _ = post(procfile.base, "Five seconds after Redis returned.")
    assert status == 202
    final_status(procfile.base, late, timeout=10)
    took = time.monotonic() - posted

    figure("submissions at 20/s", SUBMISSIONS)
    figure("Redis down (s)", round(restarted - killed, 1))
    figure("answers", stream.statuses())
    figure("accepted while Redis was down", len(during))
    figure("rate-limit fallbacks (metric, web processes)", fallbacks)
    figure("last decision after Redis returned (s)", round(last_decision - restarted, 1))
    figure("comment posted 5 s after Redis returned, decided after (s)", round(took, 2))

    assert stream.statuses() == {202: SUBMISSIONS}
    assert len(during) > SUBMISSIONS // 2, "the outage missed the stream"
    assert ready_during_outage[0] == 503
    assert ready_during_outage[1]["checks"]["broker"] == "unreachable"
    assert fallbacks >= 1
    assert "rate limit storage unreachable" in procfile.web.log()
    twice = {public_id: made for public_id, made in decided.items() if len(made) != 1}
    assert not twice, f"{len(twice)} not decided exactly once"
    assert last_decision - restarted < DECIDED_WITHIN
    assert took < 2, f"a comment posted after the reconnect took {took:.1f} s"
    assert procfile.worker.running(), f"the worker died with the broker: {procfile.worker.log_path}"
