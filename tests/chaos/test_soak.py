"""Mixed traffic for ten minutes with one fault of each kind, one after another (issue #15
target 7): no 5xx outside the PostgreSQL outage, no comment lost or decided twice, and the
oldest pending comment young (p99 under 5 s) outside the faults' windows.

The pace is fixed, not searched for: 160 requests a second in ``make chaos`` (40 in CI),
one submission to nine reads, from a Python client in the test's own process on the same two
cores (``SOAK_RATE`` sets it). ``make bench`` measured 1,212 reads/s and 75 submissions/s kept
up with (wrk, keep-alive), about 480/s of this mix; the client here takes a good part of a
core (not measured apart), so 160/s, a third of that figure, is meant as about half of what is
left to the service; a fault, not the load, is what the figures show.

A fault's window runs from its start to its recovery (the server back, the process answering
again, the poisoned comment held) plus ``GRACE``: what a killed process had claimed is
published again once the claim is ``RELAY_CLAIM_SECONDS`` (10 s) old, and a backlog then
takes a few seconds more. CI (``CHAOS_SCALE=0.1``) soaks a minute with the two outages only;
the kills and the poisoned comment have tests of their own.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable

import pytest
import redis
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, Site
from moderation.sites import create_site
from tests.chaos.conftest import SCALE, scaled
from tests.chaos.servers import Procfile, relay_passed
from tests.chaos.traffic import MixedStream, PendingAges, decisions, request
from tests.conftest import SITE_ORIGIN, comment_payload
from tests.integration_fixtures import final_status, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

DURATION = scaled(600)  # seconds
RATE = int(os.environ.get("SOAK_RATE", "160" if SCALE >= 1 else "40"))  # requests a second
READS_PER_SUBMISSION = 9
GRACE = 15  # seconds after a fault's recovery
OLDEST_PENDING_P99 = 5  # seconds, outside the faults' windows
POISONED_SITE = "broken-words"


class Faults:
    """Each fault kind of the issue's targets 1-6 on the test's servers and processes: the
    call returns once the fault is over (recovered), with figures of its own."""

    def __init__(self, app, procfile: Procfile, redis_server, postgres_server):
        self.app, self.procfile = app, procfile
        self.redis, self.postgres = redis_server, postgres_server
        self.figures: dict[str, object] = {}
        self.poisoned = ""

    def redis_down(self) -> None:
        self.redis.stop()
        time.sleep(scaled(60))
        self.redis.start()

    def broker_reconnect(self) -> None:
        """Redis cuts every client's connection: web, relay and worker connect again."""
        with redis.Redis.from_url(self.redis.url) as client:
            cut = (client.client_kill_filter(_type="normal", skipme=True)
                   + client.client_kill_filter(_type="pubsub"))
        self.figures["broker connections cut"] = cut
        wait_for(self.procfile.worker.ready, timeout=60, interval=0.1)

    def postgres_stopped(self) -> None:
        self.postgres.stop()
        time.sleep(scaled(30))
        self.postgres.start()

    def worker_killed(self) -> None:
        worker = self.procfile.worker
        worker.kill()
        worker.start()
        wait_for(worker.ready, timeout=90, interval=0.1)

    def relay_killed(self) -> None:
        relay = self.procfile.relays[0]
        relay.kill()
        time.sleep(0.5)
        relay.start()
        wait_for(lambda: relay_passed(relay), timeout=90, interval=0.1)

    def scoring_raises(self) -> None:
        """A comment to a site whose stored word list is not a list: its word-list check
        raises on every attempt, whatever the comment says."""
        posted = time.time()
        status, accepted, _ = request("POST", f"{self.procfile.base}/api/v1/comments",
                                      comment_payload(site=POISONED_SITE))
        assert status == 202, accepted
        self.poisoned = accepted["id"]
        self.figures["poisoned comment decided"] = final_status(
            self.procfile.base, accepted, timeout=90)
        self.figures["poisoned comment held after (s)"] = round(time.time() - posted, 1)

    def poison(self) -> None:
        with self.app.app_context():
            create_site(POISONED_SITE, "Broken", [SITE_ORIGIN], flood_interval_seconds=0)
            db.session.get(Site, POISONED_SITE).blocked_words = 5
            db.session.commit()

    def scheduled(self) -> list[Callable[[], None]]:
        every = [self.redis_down, self.broker_reconnect, self.postgres_stopped,
                 self.worker_killed, self.relay_killed, self.scoring_raises]
        return every if SCALE >= 1 else [self.redis_down, self.postgres_stopped]


def within(at: float, windows: list[tuple[float, float]]) -> bool:
    return any(start <= at <= end for start, end in windows)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))] if ordered else 0.0


def test_ten_minutes_of_mixed_traffic_through_every_fault_lose_nothing_and_wait_little(
        chaos_app, redis_server, postgres_server, procfile, figure):
    faults = Faults(chaos_app, procfile, redis_server, postgres_server)
    faults.poison()
    procfile.start()
    windows: dict[str, tuple[float, float]] = {}
    with PendingAges(chaos_app) as ages, MixedStream(
            procfile.base, DURATION * RATE, RATE, reads=READS_PER_SUBMISSION) as stream:
        began = time.time()
        schedule = faults.scheduled()
        for number, fault in enumerate(schedule, start=1):
            previous_end = max((end for _, end in windows.values()), default=began)
            time.sleep(max(0.0, began + number * DURATION / (len(schedule) + 1) - time.time(),
                           previous_end - time.time()))
            started = time.time()
            fault()
            windows[fault.__name__] = (started, time.time() + GRACE)
    ended = time.time()
    accepted = stream.accepted()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(decisions(chaos_app, accepted).values()):
        time.sleep(0.5)
    decided = decisions(chaos_app, accepted)

    database_window = windows["postgres_stopped"]
    outside_database = Counter(status for _, sent, status, _, _ in stream.answers
                               if not database_window[0] - 1 <= sent <= database_window[1])
    outside_ages = [age for at, age in ages.samples
                    if age is not None and not within(at, list(windows.values()))]
    per_window = {name: dict(Counter(status for _, sent, status, _, _ in stream.answers
                                     if start <= sent <= end))
                  for name, (start, end) in windows.items()}
    lost = [public_id for public_id, made in decided.items() if not made]

    figure("soak (s), requests a second, reads per submission",
           f"{round(ended - began)}, {RATE}, {READS_PER_SUBMISSION}")
    figure("faults, start after the soak's (s) / window with its grace (s)",
           {name: f"{start - began:.0f} / {end - start:.1f}"
            for name, (start, end) in windows.items()})
    figure("answers, all", dict(Counter(status for _, _, status, _, _ in stream.answers)))
    figure("answers by fault window", per_window)
    figure("answers outside the PostgreSQL window", dict(outside_database))
    figure("submissions accepted / lost / decided more than once",
           f"{len(accepted)} / {len(lost)} / {sum(len(made) > 1 for made in decided.values())}")
    figure("oldest pending outside fault windows, samples / p50 / p99 / max (s)",
           f"{len(outside_ages)} / {percentile(outside_ages, 0.5):.1f} / "
           f"{percentile(outside_ages, 0.99):.1f} / {max(outside_ages, default=0):.1f}")
    figure("oldest pending, max over all (s)",
           round(max((age for _, age in ages.samples if age is not None), default=0), 1))
    for name, value in faults.figures.items():
        figure(name, value)

    assert not [status for status in outside_database if status >= 500 or status == 0], \
        outside_database
    assert not lost, f"{len(lost)} accepted comments never decided, e.g. {lost[:3]}"
    assert all(len(made) == 1 for made in decided.values())
    assert len(outside_ages) >= DURATION // 6, "the faults' windows left too little to measure"
    assert percentile(outside_ages, 0.99) < OLDEST_PENDING_P99
    if "scoring_raises" in windows:
        assert faults.figures["poisoned comment decided"] == "held"
        with chaos_app.app_context():
            held = db.session.scalar(select(Comment.reasons).where(
                Comment.public_id == faults.poisoned))
        assert held[0]["check"] == "scoring_error"
