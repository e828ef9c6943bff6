"""How the web server's workers share connections: kept alive for good, or renewed.

    python bench/connections.py [--seconds 10]

Serves the bare-Flask read ceiling under ``moderation serve``'s own server settings
(workers, threads, timeouts) and loads it with wrk three ways: 32 connections kept alive
for the whole run (a proxy's pool to its upstream), 4 such connections (a small pool), and
32 connections each closed after 20 requests (what ``make bench`` does, as many readers
would). Prints each worker's share of the CPU the workers used, and the requests served: a
worker holding more of the connections than its share would do more of the work on its one
GIL while the other idles. About 40 seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# Run as a script: the repository root on the path, for ``bench.harness``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import load, processes
from bench.run import serve_defaults

PORT = 8097
EVERLASTING = "1000000000"  # requests per connection: never asks for a close
RUNS = (("32 connections kept alive", 32, EVERLASTING),
        ("4 connections kept alive", 4, EVERLASTING),
        ("32 connections, each closed after 20 requests", 32, "20"))


def thread_page() -> dict:
    """A 50-comment page of the API's shape (the share, not the speed, is measured here)."""
    body = "<p>" + "A considered reply to the article, with a point or two. " * 5 + "</p>"
    return {"items": [{"id": f"c{n}", "author": {"name": f"Reader {n}"}, "html": body,
                       "created_at": "2026-12-01T10:00:00Z"} for n in range(50)],
            "next_cursor": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    workers, threads = serve_defaults()
    with tempfile.TemporaryDirectory(prefix="bench-connections-") as folder:
        payload = Path(folder) / "page.json"
        payload.write_text(json.dumps(thread_page()))
        env = processes.environment({"BENCH_READ_PAYLOAD": str(payload)})
        server = processes.start_ceiling("bare_flask", env, Path(folder), PORT, workers, threads)
        url = f"http://127.0.0.1:{PORT}/api/v1/comments"
        try:
            processes.wait_http(url)
            time.sleep(1)
            pool = processes.children(server.pid)
            print(f"bare Flask under moderation serve's settings: {len(pool)} workers x "
                  f"{threads} threads")
            print("| connections | req/s | CPU share of each worker |")
            print("|---|---:|---|")
            for label, connections, per_connection in RUNS:
                before = [processes.cpu_ticks(pid) for pid in pool]
                run = load.wrk(url, "read.lua", seconds=args.seconds, connections=connections,
                               env={"BENCH_REQUESTS_PER_CONNECTION": per_connection,
                                    "BENCH_ORIGIN": "https://bench.example"})
                used = [processes.cpu_ticks(pid) - start
                        for pid, start in zip(pool, before, strict=True)]
                shares = " / ".join(f"{100 * ticks / max(sum(used), 1):.0f} %" for ticks in used)
                print(f"| {label} | {run['requests_per_s']:.0f} | {shares} |", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
