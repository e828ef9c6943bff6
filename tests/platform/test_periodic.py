"""Beat's work without beat: a periodic job in a thread survives a run that raised."""

from __future__ import annotations

from moderation.platform.periodic import Periodic
from tests.integration_fixtures import wait_for


def test_a_thread_of_periodic_work_outlives_a_failed_run(app):
    runs = []

    def job():
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("a bad run")

    ticking = Periodic(app, 0.05, job, "ticks")
    try:
        wait_for(lambda: len(runs) >= 3, timeout=10)
    finally:
        ticking.stop()
