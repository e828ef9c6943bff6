"""The targets of ``make bench`` (issue #16): ratios measured within one run, each met or not.

A ratio between two runs of one machine survives the noise of other tenants better than
any absolute figure; a ratio against a run that answered errors compares nothing, so a
target with errors on either side is not met.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    scenario: str
    ours: float
    reference: str
    theirs: float
    at_least: float  # ours / theirs
    errors: int = 0  # failed or not-2xx answers in either run

    @property
    def ratio(self) -> float:
        return self.ours / self.theirs if self.theirs else float("nan")

    @property
    def met(self) -> bool:
        return not self.errors and bool(self.theirs) and self.ratio >= self.at_least


def _errors(*runs: dict) -> int:
    return sum(run["errors"] + (run.get("not_2xx") or 0) for run in runs)


def targets(results: dict) -> list[Target]:
    http, e2e = results["http"], results["end_to_end"]
    read, isso_read, bare = http["read_cold"], http["isso_read"], http["ceiling_read"]
    posts = http["isso_submit"]
    rate = posts["requests_per_s"]
    return [
        Target("reads: GET the 50-comment thread", read["requests_per_s"], "Isso's reads",
               isso_read["requests_per_s"], 50, _errors(read, isso_read)),
        Target("reads: GET the 50-comment thread", read["requests_per_s"],
               "bare Flask, same JSON", bare["requests_per_s"], 0.8, _errors(read, bare)),
        Target("submissions, the web alone (relay and worker stopped)",
               http["submit"]["requests_per_s"], "Isso's POST rate", rate, 2.5,
               _errors(http["submit"], posts)),
        Target("submissions, the relay and Celery worker deciding them alongside",
               http["submit_with_workers"]["requests_per_s"], "Isso's POST rate", rate, 2,
               _errors(http["submit_with_workers"], posts)),
        Target(f"highest arrival rate kept up with for {e2e['sustain_seconds']:g} s, "
               "p99 submit→decision < 1 s", e2e["sustained_per_s"], "Isso's POST rate", rate,
               1.5, _errors(posts)),
        Target("submissions, the web alone (relay and worker stopped)",
               http["submit"]["requests_per_s"], "Flask + INSERT + LPUSH ceiling",
               http["ceiling_submit"]["requests_per_s"], 0.8,
               _errors(http["submit"], http["ceiling_submit"])),
    ]
