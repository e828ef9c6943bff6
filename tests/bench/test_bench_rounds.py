"""``make bench`` compares in rounds: each figure is its median run, errors from every run."""

from __future__ import annotations

from bench.harness import load


def test_a_comparison_reports_its_median_run_with_every_runs_errors():
    runs = [{"requests_per_s": rate, "p50_ms": rate / 100, "errors": errors, "not_2xx": not_ok}
            for rate, errors, not_ok in ((900.0, 0, 0), (300.0, 2, 1), (600.0, 0, 0))]
    median = load.median_run(runs)
    # the middle run's own figures, not a mix of runs
    assert (median["requests_per_s"], median["p50_ms"]) == (600.0, 6.0)
    assert median["rates_per_s"] == [900.0, 300.0, 600.0]
    assert (median["errors"], median["not_2xx"]) == (2, 1)
    uncounted = [{**run, "not_2xx": None} for run in runs]
    assert load.median_run(uncounted)["not_2xx"] is None
