"""Machine facts and the printed / Markdown report of ``bench/run.py``."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import psycopg
import redis

from .targets import targets

REPO = Path(__file__).resolve().parents[2]


def load_average() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def fsync_ms(folder: Path, times: int = 20) -> float:
    """Median time of a small write made durable in ``folder``: what each of Isso's SQLite
    commits waits for, one after another (PostgreSQL lets concurrent commits share one)."""
    samples = []
    with (folder / "fsync.probe").open("wb") as probe:
        for _ in range(times):
            started = time.perf_counter()
            probe.write(b"x" * 512)
            probe.flush()
            os.fsync(probe.fileno())
            samples.append(1000 * (time.perf_counter() - started))
    return round(statistics.median(samples), 2)


def machine(database_url: str, redis_url: str, folder: Path) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    with psycopg.connect(database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    with redis.Redis.from_url(redis_url) as client:
        redis_version = client.info("server")["redis_version"]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True,
                                 check=False).stdout.split(" [")[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kib / 1024 ** 2, 1),
            "python": platform.python_version(), "postgresql": postgres,
            "redis": redis_version, "wrk": wrk_version, "kernel": platform.release(),
            "git_commit": git("rev-parse", "--short", "HEAD"),
            # the previous run's results files are not a change to what is measured
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".",
                                  ":(exclude)bench/results")),
            "fsync_ms": fsync_ms(folder),
            "load_average_before": load_average()}


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _rate(per_s: float) -> str:
    return f"{per_s:.1f}" if per_s < 100 else f"{per_s:.0f}"


def _run(label: str, run: dict) -> str:
    not_2xx = "" if run.get("not_2xx") is None else str(run["not_2xx"])
    rates = ", ".join(_rate(rate) for rate in run.get("rates_per_s", [run["requests_per_s"]]))
    return (f"| {label} | {_rate(run['requests_per_s'])} | {rates} | {_ms(run['p50_ms'])} | "
            f"{_ms(run['p99_ms'])} | {run['errors']} | {not_2xx} |")


def _targets(results: dict) -> list[str]:
    lines = ["| target | ours /s | reference | theirs /s | ratio | needed | errors | met |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for t in targets(results):
        ratio = f"{100 * t.ratio:.0f} %" if t.at_least < 1 else f"{t.ratio:.2f}x"
        needed = f"{100 * t.at_least:.0f} %" if t.at_least < 1 else f"{t.at_least:g}x"
        lines.append(f"| {t.scenario} | {t.ours:.0f} | {t.reference} | {_rate(t.theirs)} | "
                     f"{ratio} | ≥ {needed} | {t.errors} | {'yes' if t.met else 'NO'} |")
    return lines


def tables(results: dict) -> list[str]:
    """The report's tables as Markdown lines (also what the terminal shows)."""
    http = results["http"]
    lines = [*_targets(results), "",
             "| run (wrk) | req/s (median run) | each run | p50 ms | p99 ms | errors | not 2xx |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, key in (("ours: GET 50-comment thread (200)", "read_cold"),
                       ("ours: GET with If-None-Match (304)", "read_304"),
                       ("ceiling: bare Flask, same JSON", "ceiling_read"),
                       ("Isso: GET /?uri= of the 50-comment thread", "isso_read"),
                       ("ours: POST /api/v1/comments, relay and Celery worker stopped",
                        "submit"),
                       ("ours: POST while the relay and Celery worker decide them",
                        "submit_with_workers"),
                       ("ceiling: Flask + psycopg INSERT + Redis LPUSH", "ceiling_submit"),
                       ("Isso: POST /new?uri=", "isso_submit")):
        lines.append(_run(label, http[key]))
    lines += ["", "| arrival rate /s | achieved /s | POST p50 ms | POST p99 ms | "
                  "submit→decision p50 ms | p99 ms | max ms | non-202 | backlog growth /s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    sustained = f" ({results['end_to_end']['sustain_seconds']:g} s)"
    for row in results["end_to_end"]["fixed"] + results["end_to_end"]["sustained_trials"]:
        lines.append(
            f"| {row['rate']:g}{sustained if row.get('sustained_trial') else ''} | "
            f"{row['achieved_per_s']:.0f} | {_ms(row['post_p50_ms'])} | "
            f"{_ms(row['post_p99_ms'])} | {_ms(row['decision_p50_ms'])} | "
            f"{_ms(row['decision_p99_ms'])} | {_ms(row['decision_max_ms'])} | "
            f"{row['non_202']} | {row['backlog_slope_per_s']:+.1f} |")
    e2e = results["end_to_end"]
    lines += ["", f"- highest arrival rate kept up with for {e2e['sustain_seconds']:g} s "
                  f"(p99 submit→decision < 1 s): **{e2e['sustained_per_s']:g} comments/s**; "
                  f"p99 submit→decision < 1 s at 300/s: "
                  f"{'yes' if e2e['p99_at_300_under_1s'] else 'NO'}",
              f"- nothing accepted lost: of the {e2e['accepted']} comments answered 202 in the "
              f"end-to-end runs, {e2e['lost']} are missing from the database, and every stored "
              f"one was decided: {'yes' if not e2e['lost'] else 'NO'}"]
    return lines + _drains(e2e) + _cpu_by_stage(http) + _memory(results["memory"])


def _drains(e2e: dict) -> list[str]:
    lines = ["", "| Celery worker processes (with the relay, web idle) | backlog | drained /s | "
                 "seconds, with start-up |", "|---:|---:|---:|---:|"]
    for row in sorted(e2e["drains"], key=lambda row: row["processes"]):
        lines.append(f"| {row['processes']} | {row['backlog']} | {row['per_s']:.0f} | "
                     f"{row['seconds']:.1f} |")
    return lines


MEMORY_ROWS = (("web", "web server master (Granian, ours)", "web worker (Granian, ours)"),
               ("relay", "relay (moderation relay)", "relay child"),
               ("worker", "Celery worker main process", "Celery pool process"),
               ("beat", "Celery beat", "Celery beat child"),
               ("isso", "gunicorn master (Isso)", "gunicorn worker (Isso)"))


def _memory(memory: dict) -> list[str]:
    """Every process of both servers, each on its own row, and each server's total."""
    lines = ["", "| process | RSS MiB |", "|---|---:|"]
    for key, master, child in MEMORY_ROWS:
        lines.append(f"| {master} | {memory[key]['master_mib']} |")
        lines += [f"| {child} | {mib} |" for mib in memory[key]["children_mib"]]
    for label, keys in (("all of ours", ("web", "relay", "worker", "beat")),
                        ("all of Isso's", ("isso",))):
        total = sum(memory[key]["master_mib"] + sum(memory[key]["children_mib"])
                    for key in keys)
        lines.append(f"| **{label}** | **{total:.0f}** |")
    return lines


def _cpu_by_stage(http: dict) -> list[str]:
    """With ``--profile``: the web's CPU per submission, ours next to the ceiling's."""
    ours, top = http["submit"].get("cpu"), http["ceiling_submit"].get("cpu")
    if not (ours and top):
        return []
    lines = ["", "| web CPU per submission, by stage (py-spy) | ours ms | ceiling ms |",
             "|---|---:|---:|"]
    for stage in dict.fromkeys([*ours["stages_ms"], *top["stages_ms"]]):
        lines.append(f"| {stage} | {ours['stages_ms'].get(stage, 0):.3f} | "
                     f"{top['stages_ms'].get(stage, 0):.3f} |")
    lines.append(f"| **all** ({ours['samples']} and {top['samples']} samples) | "
                 f"**{ours['cpu_ms_per_request']:.3f}** | **{top['cpu_ms_per_request']:.3f}** |")
    return lines


def markdown(results: dict) -> str:
    m, s = results["machine"], results["settings"]
    head = [
        "# `make bench` — latest results", "",
        f"Measured {results['measured_at']} at commit `{m['git_commit']}`"
        f"{' (with uncommitted changes)' if m['git_dirty'] else ''}"
        f"{' with --quick' if s['quick'] else ''}.", "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Linux {m['kernel']}; "
        f"Python {m['python']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}, {m['wrk']}; "
        f"a 512-byte write + fsync takes {m['fsync_ms']} ms (median) on its disk. "
        f"Load average before {m['load_average_before']}, after "
        f"{m['load_average_after']} (others share this machine: figures are noisy, "
        f"which is why the targets are ratios).", "",
        f"Topology: the Procfile's web (Granian, WSGI, {s['web_workers']} workers x "
        f"{s['web_threads']} threads each), relay (the outbox: pending comments to the broker), "
        f"worker (Celery prefork, {s['celery_concurrency']} processes) and beat, on "
        f"PostgreSQL and Redis on the same machine. "
        f"Rate limits: {s['rate_limits']}; the bench site has `--flood-interval 0`. "
        f"wrk: 1 thread, {s['connections']} connections, each closed after "
        f"{s['requests_per_connection']} requests (Isso's gunicorn sync workers close each "
        f"connection after its answer anyway, and closing every {s['requests_per_connection']} "
        f"keeps our runs comparable to earlier ones, which had it), {s['wrk_seconds']} s per "
        f"run after a {s['warmup_seconds']} s warm-up; requests carry the widget's `Origin`; "
        f"the ceilings run under the same server settings. Ours, the ceilings and Isso are "
        f"all up together and compared in {s.get('rounds', 1)} rounds, taking turns (reads: "
        f"ours, ours 304, bare Flask, Isso; submissions: the ceiling, ours, Isso), so a busy "
        f"minute of other tenants weighs on each alike; each figure is its median run, and "
        f"a ratio counts the errors of every run. "
        f"Web-only submissions run with the relay and Celery worker stopped (the ceiling's "
        f"queue has no consumer either); end-to-end runs use an open-loop asyncio client on "
        f"this machine (it shares the 2 cores), and submit→decision is "
        f"`decided_at - created_at` read from the database. The CPU-by-stage table comes "
        f"from one more submission run each (ours, the ceiling's) under `py-spy record --gil` "
        f"(samples of a thread holding the GIL, so Python on the CPU, not waiting), divided "
        f"by the requests served meanwhile; the database and Redis servers' own CPU is not "
        f"in it, nor is Granian's own Rust code, which runs outside any Python frame.", "",
        f"Peer: Isso {s['isso']['version']} in a virtualenv of its own, served as its docs "
        f"prescribe (`gunicorn -w {s['web_workers']} --preload isso.run`: sync workers, one "
        f"request at a time, each connection closed after its answer), SQLite, moderation off, "
        f"its guard (a per-address limit of 2 comments a minute) off as our limit is set out "
        f"of reach, Markdown rendered by its default renderer; seeded through its API with "
        f"the same 50 comments, read (`GET /?uri=`) and posted to (`POST /new?uri=`, same "
        f"bodies, authors and threads) with the same wrk settings, in the same run, with every "
        f"answer's status counted (column \"not 2xx\"). Submissions \"decided alongside\" "
        f"run with the relay handing them to the Celery worker as they come. Drain rates "
        f"count from a backlog's first decision to its last, so the "
        f"worker's start-up is left out.", ""]
    return "\n".join(head + tables(results)) + "\n"
