"""The worker, main process and pool children, killed with SIGKILL three times while comments
stream in (issue #15 target 4): none lost, each decided exactly once, and none waiting long
once a worker is back.

A kill leaves the batches the worker held unacknowledged (``acks_late``) in a broker that
would give them back only after its visibility timeout (an hour); the comments are still
pending with their claim, and the relay publishes them again once the claim is older than
``RELAY_CLAIM_SECONDS`` (default 10 s, which these processes run with). So a comment waits
at most the claim age plus a relay pass and its scoring after the worker is back.
"""

from __future__ import annotations

import time

import pytest
import redis

from tests.chaos.conftest import scaled
from tests.chaos.traffic import Stream, all_decided, decisions
from tests.integration_fixtures import QUEUE, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

COMMENTS, RATE = scaled(1000), 50
KILLS = scaled(3)
WAITED_AT_MOST = 15  # seconds of a worker being up
WORKS_BEFORE_THE_NEXT_KILL = 2  # seconds


def waiting(redis_url: str) -> int:
    """Messages in the queue, not yet taken by a worker."""
    with redis.Redis.from_url(redis_url) as connection:
        return connection.llen(QUEUE)


def waited_with_a_worker_up(created: float, decided: float,
                            down: list[tuple[float, float]]) -> float:
    """Seconds between a comment's creation and its decision while a worker was up (back:
    answering ``inspect ping``): a kill's downtime is the fault's, not the wait's."""
    outage = sum(max(0.0, min(decided, back) - max(created, killed)) for killed, back in down)
    return decided - created - outage


def test_a_worker_killed_three_times_loses_nothing_and_delays_nothing_for_long(
        chaos_app, redis_server, procfile, figure):
    procfile.start()
    worker, down, queued = procfile.worker, [], []
    with Stream(procfile.base, COMMENTS, RATE) as stream:
        for kill in range(1, KILLS + 1):
            # Kill with work in hand: a quarter of the stream further on, and the worker
            # (if just back) given a moment to take some.
            wait_for(lambda kill=kill: stream.answered() >= COMMENTS * kill // (KILLS + 1),
                     timeout=120, interval=0.01)
            worker.kill()
            killed = time.time()
            worker.start()
            wait_for(worker.ready, timeout=90, interval=0.1)
            down.append((killed, time.time()))
            queued.append(waiting(redis_server.url))
            time.sleep(WORKS_BEFORE_THE_NEXT_KILL)
    accepted = stream.accepted()
    wait_for(lambda: all_decided(chaos_app, accepted), timeout=60, interval=0.2)

    created = {body["id"]: sent for _, sent, _, body, _ in stream.answers}
    decided = decisions(chaos_app, accepted)
    waits = sorted(waited_with_a_worker_up(created[public_id], made[0], down)
                   for public_id, made in decided.items())
    last_back = down[-1][1]
    figure("comments at 50/s", COMMENTS)
    figure("answers", stream.statuses())
    figure("worker down, kill to ping (s)", [round(back - killed, 1) for killed, back in down])
    figure("messages queued when it was back", queued)
    figure("wait with a worker up, p50 / max (s)",
           f"{waits[len(waits) // 2]:.1f} / {waits[-1]:.1f}")
    figure("last decision after the last restart (s)",
           round(max(made[0] for made in decided.values()) - last_back, 1))

    assert stream.statuses() == {202: COMMENTS}
    twice = {public_id: made for public_id, made in decided.items() if len(made) != 1}
    assert not twice, f"{len(twice)} not decided exactly once, e.g. {list(twice.items())[:3]}"
    assert waits[-1] < WAITED_AT_MOST, f"a comment waited {waits[-1]:.1f} s with a worker up"
