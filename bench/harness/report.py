"""Machine facts and the printed / Markdown report of ``bench/run.py``."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import psycopg
import redis

REPO = Path(__file__).resolve().parents[2]


def load_average() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


def machine(database_url: str, redis_url: str) -> dict:
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
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "load_average_before": load_average()}


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(ours: float, ceiling: float) -> str:
    return f"{100 * ours / ceiling:.0f} %" if ceiling else "n/a"


def tables(results: dict) -> list[str]:
    """The report's tables as Markdown lines (also what the terminal shows)."""
    http = results["http"]
    lines = ["| scenario | req/s | p50 ms | p99 ms | errors | ceiling req/s | ratio | target |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    rows = [("reads: GET 50-comment thread (200)", "read_cold", "ceiling_read", 70),
            ("reads: If-None-Match (304)", "read_304", "ceiling_read", 70),
            ("submissions: POST /api/v1/comments", "submit", "ceiling_submit", 80)]
    for label, key, ceiling, target in rows:
        ours, top = http[key], http[ceiling]
        ok = ours["requests_per_s"] >= target / 100 * top["requests_per_s"]
        lines.append(f"| {label} | {ours['requests_per_s']:.0f} | {_ms(ours['p50_ms'])} | "
                     f"{_ms(ours['p99_ms'])} | {ours['errors']} | {top['requests_per_s']:.0f} | "
                     f"{_ratio(ours['requests_per_s'], top['requests_per_s'])} | "
                     f"≥ {target} % {'yes' if ok else 'NO'} |")
    for label, key in (("ceiling: bare Flask, same JSON", "ceiling_read"),
                       ("ceiling: Flask + psycopg INSERT + Redis LPUSH", "ceiling_submit")):
        top = http[key]
        lines.append(f"| {label} | {top['requests_per_s']:.0f} | {_ms(top['p50_ms'])} | "
                     f"{_ms(top['p99_ms'])} | {top['errors']} | | | |")
    if "submit_with_workers" in http:
        both = http["submit_with_workers"]
        lines.append(f"| submissions while the workers score them | "
                     f"{both['requests_per_s']:.0f} | {_ms(both['p50_ms'])} | "
                     f"{_ms(both['p99_ms'])} | {both['errors']} | | | |")
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
    lines += ["", f"- scoring alone drained a backlog at **{e2e['drain_per_s']:.0f} comments/s** "
                  f"({e2e['drained']} comments in {e2e['drain_seconds']:.1f} s, web idle)",
              f"- highest arrival rate kept up with for {e2e['sustain_seconds']:g} s: "
              f"**{e2e['sustained_per_s']:g} comments/s** (target ≥ 500; p99 submit→decision "
              f"< 1 s at 300/s: {'yes' if e2e['p99_at_300_under_1s'] else 'NO'})"]
    lines += _cpu_by_stage(http)
    memory = results["memory"]
    lines += ["", "| process | RSS MiB |", "|---|---:|",
              f"| gunicorn web worker (each) | "
              f"{', '.join(map(str, memory['web']['children_mib']))} |",
              f"| gunicorn master | {memory['web']['master_mib']} |",
              f"| Celery worker child (each) | "
              f"{', '.join(map(str, memory['worker']['children_mib']))} |",
              f"| Celery main process | {memory['worker']['master_mib']} |"]
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
        f"Python {m['python']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}, {m['wrk']}. "
        f"Load average before {m['load_average_before']}, after "
        f"{m['load_average_after']} (others share this machine: figures are noisy, "
        f"which is why the targets are ratios).", "",
        f"Topology: the Procfile's web (gunicorn gthread, {s['web_workers']} workers x "
        f"{s['web_threads']} threads), worker (Celery prefork, {s['celery_concurrency']} "
        f"processes) and beat, on PostgreSQL and Redis on the same machine. "
        f"Rate limits: {s['rate_limits']}; the bench site has `--flood-interval 0`. "
        f"wrk: 1 thread, {s['connections']} connections, each closed after "
        f"{s['requests_per_connection']} requests (a gthread worker keeps every connection it "
        f"accepted, so a few everlasting ones would load one worker), {s['wrk_seconds']} s per "
        f"run after a {s['warmup_seconds']} s warm-up; requests carry the widget's `Origin`; "
        f"the ceilings run under the same gunicorn settings. "
        f"Web-only submissions run with the Celery worker stopped (the ceiling's queue has no "
        f"consumer either); end-to-end runs use an open-loop asyncio client on this machine "
        f"(it shares the 2 cores), and submit→decision is `decided_at - created_at` read "
        f"from the database. The CPU-by-stage table comes from one more submission run each "
        f"(ours, the ceiling's) under `py-spy record --gil` (samples of a thread holding the "
        f"GIL, so Python on the CPU, not waiting), divided by the requests served meanwhile; "
        f"the database and Redis servers' own CPU is not in it.", ""]
    return "\n".join(head + tables(results)) + "\n"
