"""Which web server setting (worker processes x threads) takes submissions fastest here.

    python bench/server_settings.py [--settings 2x4 2x1 3x2] [--rounds 3] [--quick]

Starts the Procfile's web alone (relay and worker stopped, as ``make bench``'s web-alone
submissions run) with each setting in turn, taking turns for ``--rounds`` rounds, so a slow
minute of the machine weighs on each alike, and loads it with ``make bench``'s wrk
submissions. For each setting prints every run's rate and the CPU the kernel charged per
submission to the web server (master and workers, Granian's Rust included, which py-spy
does not see), to PostgreSQL (every backend) and to Redis. Uses ``make bench``'s database
and Redis DB (``--database-url``, ``--redis-url``): dropped and emptied. About 25 s a run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

# Run as a script: the repository root on the path, for ``bench.harness``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import processes
from bench.run import DEFAULT_DATABASE, DEFAULT_REDIS, SUBMIT_ENV, Bench


def ticks_of(name: str) -> int:
    """User and system CPU, in clock ticks, of every process called ``name``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    total += processes.cpu_ticks(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return total


def charged(web: list[int]) -> tuple[int, int, int]:
    """CPU ticks so far of the web server's processes, PostgreSQL's and Redis's."""
    return (sum(processes.cpu_ticks(pid) for pid in web), ticks_of("postgres"),
            ticks_of("redis-server"))


def one_run(bench: Bench, workers: int, threads: int) -> dict:
    bench.start("web", "--workers", str(workers), "--threads", str(threads))
    try:
        processes.wait_http(bench.base + "/readyz")
        server = bench.running["web"].pid
        web = [server, *processes.children(server)]
        before = charged(web)
        run = bench.wrk("/api/v1/comments", "submit.lua", BENCH_RUN=f"w{workers}t{threads}",
                        **SUBMIT_ENV)
        used = [after - start for after, start in zip(charged(web), before, strict=True)]
    finally:
        bench.stop("web")
    # wrk's warm-up is in the CPU figures too: divide by every request of both runs
    served = run["requests_per_s"] * (bench.wrk_seconds + bench.warmup)
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
    return {"rate": run["requests_per_s"],
            **{part: ticks * tick_us / served
               for part, ticks in zip(("web", "postgresql", "redis"), used, strict=True)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=["2x4", "2x1", "3x2"],
                        help="WORKERSxTHREADS (default: 2x4, moderation serve's, and two more)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="8 s wrk runs instead of 15")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args = parser.parse_args()
    settings = [tuple(int(n) for n in setting.split("x")) for setting in args.settings]
    bench = Bench(argparse.Namespace(quick=args.quick, keep=False,
                                     database_url=args.database_url, redis_url=args.redis_url))
    runs: dict[tuple[int, int], list[dict]] = {setting: [] for setting in settings}
    try:
        bench.create()
        for _ in range(args.rounds):
            for setting in settings:
                runs[setting].append(one_run(bench, *setting))
    finally:
        bench.teardown()
    print("| workers x threads | submissions/s (median) | each run | CPU µs per submission: "
          "web | PostgreSQL | Redis |")
    print("|---|---:|---|---:|---:|---:|")
    for (workers, threads), done in runs.items():
        median = {part: statistics.median(run[part] for run in done)
                  for part in ("rate", "web", "postgresql", "redis")}
        each = ", ".join(f"{run['rate']:.0f}" for run in done)
        print(f"| {workers} x {threads} | {median['rate']:.0f} | {each} | {median['web']:.0f} | "
              f"{median['postgresql']:.0f} | {median['redis']:.0f} |")


if __name__ == "__main__":
    main()
