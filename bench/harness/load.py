"""Load generators: wrk for closed-loop throughput, an asyncio client for fixed arrival rates."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parents[1] / "wrk"


def wrk(url: str, script: str, *, seconds: int, connections: int, env: dict | None = None,
        threads: int = 1) -> dict:
    """One wrk run (closed loop: each connection sends its next request on the answer)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(WRK_DIR / script), url]
    run_env = {**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **(env or {})}
    done = subprocess.run(command, env=run_env, capture_output=True, text=True, check=True,
                          timeout=seconds + 60)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(raw["errors"].values())
    return {"requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000,
            "requests": raw["requests"], "errors": errors, "error_kinds": raw["errors"],
            # answers other than 2xx or 304, when the run counted them (BENCH_COUNT_STATUSES)
            "not_2xx": raw["not_2xx"] if raw["not_2xx"] >= 0 else None,
            "seconds": seconds, "connections": connections}


def median_run(runs: list[dict]) -> dict:
    """The run of median rate among ``runs`` (an odd number), with every run's rate and the
    errors and non-2xx answers of them all: a ratio stands only if no run had any."""
    middle = sorted(runs, key=lambda run: run["requests_per_s"])[len(runs) // 2]
    not_2xx = [run["not_2xx"] for run in runs if run["not_2xx"] is not None]
    return {**middle, "rates_per_s": [run["requests_per_s"] for run in runs],
            "errors": sum(run["errors"] for run in runs),
            "not_2xx": sum(not_2xx) if not_2xx else None}


@dataclass
class ArrivalRun:
    rate: float
    seconds: float
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)  # from the scheduled send time
    samples: list[tuple[float, int]] = field(default_factory=list)  # (t, pending backlog)
    elapsed: float = 0.0
    max_in_flight: int = 0


class _Connections:
    """Keep-alive HTTP/1.1 connections, opened as needed up to ``limit``."""

    def __init__(self, host: str, port: int, limit: int):
        self.host, self.port, self.limit = host, port, limit
        self.idle: asyncio.Queue = asyncio.Queue()
        self.opened = 0

    async def take(self):
        if self.idle.empty() and self.opened < self.limit:
            self.opened += 1
            return await asyncio.open_connection(self.host, self.port)
        return await self.idle.get()

    def give(self, connection) -> None:
        self.idle.put_nowait(connection)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


async def _exchange(connection, payload: bytes) -> int:
    reader, writer = connection
    writer.write(payload)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


def post_request(host: str, port: int, body: bytes, origin: str) -> bytes:
    return (f"POST /api/v1/comments HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {origin}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


async def _arrivals(host: str, port: int, run: ArrivalRun, body: Callable[[int], bytes],
                    backlog: Callable[[], int], connections: int, origin: str) -> None:
    pool = _Connections(host, port, connections)
    interval = 1 / run.rate
    total = int(run.rate * run.seconds)
    in_flight = 0
    tasks = set()
    loop = asyncio.get_running_loop()

    async def send(index: int, due: float) -> None:
        nonlocal in_flight
        in_flight += 1
        run.max_in_flight = max(run.max_in_flight, in_flight)
        connection = await pool.take()
        try:
            status = await _exchange(connection, post_request(host, port, body(index), origin))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
            connection[1].close()
            pool.opened -= 1
        else:
            pool.give(connection)
        in_flight -= 1
        run.statuses[status] = run.statuses.get(status, 0) + 1
        run.latencies_ms.append((loop.time() - due) * 1000)

    async def sample() -> None:
        while True:
            run.samples.append((loop.time() - start,
                                await loop.run_in_executor(None, backlog)))
            await asyncio.sleep(2)

    start = loop.time()
    sampler = asyncio.create_task(sample())
    for index in range(total):
        due = start + index * interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(index, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        run.sent += 1
    if tasks:
        await asyncio.wait(tasks, timeout=30)
    run.elapsed = loop.time() - start
    sampler.cancel()
    pool.close()


def arrivals(base_url: str, rate: float, seconds: float, body: Callable[[int], bytes],
             backlog: Callable[[], int], origin: str, connections: int = 256) -> ArrivalRun:
    """Open loop: request i is sent at start + i/rate whatever the server's answers; its
    latency counts from that moment, so a slow server cannot hide behind a slow client."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    run = ArrivalRun(rate, seconds)
    asyncio.run(_arrivals(host, int(port), run, body, backlog, connections, origin))
    return run


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def slope(samples: list[tuple[float, int]]) -> float:
    """Least-squares growth of the backlog, comments per second."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.5) -> float:
    """Seconds until ``condition()`` holds; raises TimeoutError after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"not done within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - start
