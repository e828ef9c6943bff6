"""``make bench`` judges each target of issue #16 as a ratio within one run, Isso included."""

from __future__ import annotations

import pytest

from bench.harness.report import tables
from bench.harness.sustain import kept_up, search
from bench.harness.targets import targets


def run(rate: float, errors: int = 0, not_2xx: int | None = None) -> dict:
    return {"requests_per_s": rate, "p50_ms": 5.0, "p99_ms": 20.0, "errors": errors,
            "not_2xx": not_2xx}


def results(**http: dict) -> dict:
    runs = {"read_cold": run(5000), "read_304": run(5200), "ceiling_read": run(6000),
            "isso_read": run(100, not_2xx=0), "submit": run(500),
            "submit_with_workers": run(400), "ceiling_submit": run(2000),
            "isso_submit": run(200, not_2xx=0), **http}
    return {"http": runs, "end_to_end": {
        "sustain_seconds": 60, "sustained_per_s": 300, "p99_at_300_under_1s": True,
        "accepted": 1000, "lost": 0,
        "fixed": [], "sustained_trials": [],
        "drains": [{"processes": n, "backlog": 4000, "per_s": 400.0 * n, "seconds": 12.0}
                   for n in (1, 4, 2)]},
        "memory": {"web": {"master_mib": 200.0, "children_mib": [250.0, 260.0]},
                   "relay": {"master_mib": 120.0, "children_mib": []},
                   "worker": {"master_mib": 230.0, "children_mib": [300.0, 310.0]},
                   "beat": {"master_mib": 150.0, "children_mib": []},
                   "isso": {"master_mib": 40.0, "children_mib": [37.0, 38.0]}}}


def by_reference(found: list) -> dict:
    return {(t.scenario.split(",")[0], t.reference): t for t in found}


def test_each_target_is_its_ratio_against_the_same_run():
    found = by_reference(targets(results()))
    reads_isso = found[("reads: GET the 50-comment thread", "Isso's reads")]
    assert (reads_isso.ratio, reads_isso.met) == (50, True)
    reads_flask = found[("reads: GET the 50-comment thread", "bare Flask, same JSON")]
    assert reads_flask.ratio == pytest.approx(5000 / 6000) and reads_flask.met
    assert found[("submissions", "Isso's POST rate")].met  # 500 = 2.5 x 200
    # 400 = 2 x 200 with the worker scoring alongside; 300 = 1.5 x 200 sustained
    assert all(t.met for t in found.values() if t.reference == "Isso's POST rate")


def test_a_ratio_short_of_its_target_is_not_met():
    found = targets(results(read_cold=run(4999), isso_submit=run(201, not_2xx=0)))
    assert [t.met for t in found] == [False, True, False, False, False, False]


def test_errors_on_either_side_fail_the_target_whatever_the_ratio():
    """Isso answering 4xx, or ours failing, compares nothing: error pages are cheap."""
    found = targets(results(isso_read=run(10, not_2xx=3), submit=run(9000, errors=2)))
    reads_isso, _, submit_isso, *_, submit_ceiling = found
    assert reads_isso.ratio == 500 and reads_isso.errors == 3 and not reads_isso.met
    assert submit_isso.errors == 2 and not submit_isso.met
    assert submit_ceiling.errors == 2 and not submit_ceiling.met


def test_the_report_shows_every_target_with_yes_or_no_and_every_process():
    lines = tables(results(isso_submit=run(250, not_2xx=0)))
    rows = [line for line in lines if line.startswith("| reads: GET") or
            line.startswith("| submissions") or line.startswith("| highest")]
    assert len(rows) == 6
    assert rows[2].endswith("| 2.00x | ≥ 2.5x | 0 | NO |")  # 500 / 250
    assert rows[0].endswith("| 50.00x | ≥ 50x | 0 | yes |")
    text = "\n".join(lines)
    # one row per process, each server's total
    assert text.count("| web worker (Granian, ours) |") == 2
    assert "| Celery beat | 150.0 |" in text
    assert "| relay (moderation relay) | 120.0 |" in text
    assert "| **all of ours** | **1820** |" in text
    assert "| **all of Isso's** | **115** |" in text
    assert "of the 1000 comments answered 202 in the end-to-end runs, 0 are missing" in text
    # drains in order of worker processes
    drains = [line for line in lines if line.endswith("| 12.0 |")]
    assert [line.split("|")[1].strip() for line in drains] == ["1", "2", "4"]


def sustained(**row) -> dict:
    return {"rate": 400, "non_202": 0, "lost": 0, "achieved_per_s": 400,
            "backlog_slope_per_s": 0.5, "backlog_max": 12, "decision_p99_ms": 400.0, **row}


def test_a_rate_is_kept_up_with_only_if_p99_submit_to_decision_stays_under_a_second():
    assert kept_up(sustained())
    assert not kept_up(sustained(decision_p99_ms=1000.0))
    assert not kept_up(sustained(non_202=1))
    assert not kept_up(sustained(lost=1))  # answered 202, never stored


def searched(capacity: int, start: int = 450, budget: int = 3) -> tuple[int, list[int]]:
    """The sustained-rate search against a system that keeps up with ``capacity``/s."""
    tried = []

    def keeps_up(rate: int) -> bool:
        tried.append(rate)
        return rate <= capacity

    return search(start, budget, keeps_up), tried


def test_the_search_brackets_the_rate_within_its_budget():
    assert searched(1000) == (700, [450, 550, 700])
    assert searched(260) == (250, [450, 350, 250])
    assert searched(400) == (400, [450, 350, 400])


def test_a_search_that_started_too_high_goes_on_down_until_a_rate_is_kept_up_with():
    """Three failures in a row once ended the search on 0/s, which says nothing."""
    assert searched(230) == (200, [450, 350, 250, 200])
    assert searched(100) == (100, [450, 350, 250, 200, 150, 100])
    assert searched(0) == (0, [450, 350, 250, 200, 150, 100])
