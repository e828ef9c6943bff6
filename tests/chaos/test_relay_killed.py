"""The relay killed with SIGKILL while comments stream in, alone or racing a second relay
(issue #15 target 5): each comment is published once (what reached Redis, read with
``MONITOR``) and decided once.

A relay commits its claim before it publishes: killed in between, its claims are
published by whichever relay runs once they are older than ``RELAY_CLAIM_SECONDS``; two
relays claim with ``FOR UPDATE SKIP LOCKED``, so never the same comment.
"""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import full_scale_only, scaled
from tests.chaos.traffic import BrokerTap, Stream, all_decided, comment_ids, decisions
from tests.integration_fixtures import wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

COMMENTS, RATE = scaled(1000), 50
KILLS = scaled(2)


@pytest.mark.parametrize("relays", [
    pytest.param(1, id="one-relay", marks=full_scale_only),
    pytest.param(2, id="two-relays-racing"),
])
def test_a_relay_killed_under_load_publishes_and_decides_each_comment_once(
        chaos_app, redis_server, procfile, figure, relays):
    procfile.start(relays=relays)
    killed = procfile.relays[0]
    with BrokerTap(redis_server.url) as tap:
        with Stream(procfile.base, COMMENTS, RATE) as stream:
            for kill in range(1, KILLS + 1):
                wait_for(lambda kill=kill: stream.answered() >= COMMENTS * kill // (KILLS + 1),
                         timeout=120, interval=0.01)
                killed.kill()
                time.sleep(0.5)
                killed.start()
        accepted = stream.accepted()
        wait_for(lambda: all_decided(chaos_app, accepted), timeout=60, interval=0.2)
    decided = decisions(chaos_app, accepted)
    ids = comment_ids(chaos_app, accepted)
    published = {public_id: tap.published[ids[public_id]] for public_id in accepted}

    figure("comments at 50/s", COMMENTS)
    figure("relays", relays)
    figure("answers", stream.statuses())
    figure("relay kills", KILLS)
    figure("comments published 0 / 1 / more times",
           " / ".join(str(sum(1 for count in published.values() if test(count)))
                      for test in (lambda n: n == 0, lambda n: n == 1, lambda n: n > 1)))
    figure("messages published, ids per message", f"{tap.messages}, "
           f"{sum(tap.published.values()) / max(1, tap.messages):.1f}")
    figure("comments decided more than once", sum(len(made) > 1 for made in decided.values()))

    assert stream.statuses() == {202: COMMENTS}
    assert set(published.values()) == {1}, f"published other than once: {published}"
    assert all(len(made) == 1 for made in decided.values())
