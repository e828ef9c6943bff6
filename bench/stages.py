"""The web's CPU per submission by stage, alone: ``make bench``'s py-spy run without the rest.

    python bench/stages.py [--seconds 15] [--runs 3]

Starts only the Procfile's web (production settings, a database and Redis DB of its own,
the Celery worker and relay stopped, as ``make bench``'s CPU-by-stage run), submits with wrk
under ``py-spy record --gil`` and prints µs of Python CPU per submission by stage: the median
of ``--runs`` runs, as the machine is shared. The submission limit has the default's shape
(a per-minute and a per-hour limit), set out of reach, so both are counted on every request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import processes
from bench.run import SUBMIT_ENV, Bench

# its own database and Redis DB: it may run while ``make bench`` uses those of bench/run.py
DATABASE = "postgresql://postgres@127.0.0.1:5432/moderation_bench_stages"
REDIS = "redis://127.0.0.1:6379/10"
SUBMISSION_LIMIT = "1000000/minute;10000000/hour"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench = Bench(argparse.Namespace(quick=False, keep=False, database_url=DATABASE,
                                     redis_url=REDIS))
    bench.wrk_seconds = args.seconds
    bench.env["SUBMISSION_RATE_LIMIT"] = SUBMISSION_LIMIT
    try:
        bench.create()
        bench.start("web")
        processes.wait_http(bench.base + "/readyz")
        bench.wrk("/api/v1/comments", "submit.lua", **SUBMIT_ENV)  # warm every cache
        runs = [measured(bench, n) for n in range(args.runs)]
    finally:
        bench.teardown()
    stages = {stage for run in runs for stage in run["stages_ms"]}
    table = {stage: statistics.median(run["stages_ms"].get(stage, 0.0) * 1000 for run in runs)
             for stage in stages}
    print("| web CPU per submission, by stage (py-spy) | µs |\n|---|---:|")
    for stage, micros in sorted(table.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {micros:.0f} |")
    total = statistics.median(run["cpu_ms_per_request"] * 1000 for run in runs)
    print(f"| **all** (median of {len(runs)} runs, "
          f"{sum(run['samples'] for run in runs)} samples) | **{total:.0f}** |")
    print("\nweb workers' CPU time (user + system, from /proc) per submission, each run: "
          + ", ".join(f"{run['cpu_time_us']:.0f} µs" for run in runs)
          + f"; median {statistics.median(run['cpu_time_us'] for run in runs):.0f} µs")
    print("PostgreSQL backends' CPU time per submission, each run: "
          + ", ".join(f"{run['postgresql_us']:.0f} µs" for run in runs)
          + f"; median {statistics.median(run['postgresql_us'] for run in runs):.0f} µs")


def measured(bench: Bench, run: int) -> dict:
    """One profiled run, with the CPU time the web's workers and the PostgreSQL backends
    serving its database were charged for meanwhile (not inflated by a loaded machine as GIL
    samples are) per comment stored."""
    server_pid = bench.running["web"].pid
    workers = processes.children(server_pid)
    stored = bench.db.execute("SELECT count(*) FROM comments").fetchone()[0]
    ticks = sum(processes.cpu_ticks(pid) for pid in workers)
    backends = _backends_ns(bench)
    result = bench.profiled(bench.base, server_pid, "submit.lua", f"stages{run}", **SUBMIT_ENV)
    ticks = sum(processes.cpu_ticks(pid) for pid in workers) - ticks
    backends = {pid: ns - backends.get(pid, 0) for pid, ns in _backends_ns(bench).items()}
    stored = bench.db.execute("SELECT count(*) FROM comments").fetchone()[0] - stored
    return {**result, "cpu_time_us": ticks / os.sysconf("SC_CLK_TCK") * 1e6 / stored,
            "postgresql_us": sum(backends.values()) / 1e3 / stored}


def _backends_ns(bench: Bench) -> dict[int, int]:
    """CPU time of each backend connected to the bench's database but the bench's own (one
    opened during the run counts from its start)."""
    pids = [row[0] for row in bench.db.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()")]
    return {pid: processes.cpu_ns([pid]) for pid in pids}


if __name__ == "__main__":
    main()
