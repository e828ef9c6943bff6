"""``make bench``: the production topology on this machine, against two ceilings and Isso.

    python bench/run.py [--quick] [--keep] [--no-profile] [--database-url URL] [--redis-url URL]

Creates its own PostgreSQL database (``moderation_bench`` by default; dropped and created
again) and empties its own Redis DB (9), migrates, creates a bench site, starts the
Procfile's web, relay, worker and beat with production settings, and measures:

- reads: GET of a 50-comment thread, plain and with If-None-Match (304), with wrk;
- submissions: POST /api/v1/comments with wrk (unique authors and bodies per request);
- end to end: submit→decision (``decided_at - created_at`` from the database) at fixed
  arrival rates, and the highest rate the scoring keeps up with for 60 s;
- the drain rate of a backlog with 1, 2 and 4 Celery worker processes;
- resident memory of every process: the web server (Granian), the relay, Celery (main and
  children), beat, Isso;
- with py-spy, the web's CPU per submission by stage, ours and the insert+push ceiling's.

In the same run it measures two ceilings under the same server settings (a bare Flask
app returning the same JSON; a Flask app doing one psycopg INSERT and one Redis LPUSH per
POST) and the peer, Isso 0.14 (``bench/peers/isso.py``: its own virtualenv, gunicorn
``--preload`` with as many workers as ours, SQLite, the same 50-comment thread, reads and
new comments with the same wrk settings), and reports our figures as ratios to them, the
targets of ``bench/harness/targets.py`` each met or not. Prints the tables and writes
bench/results/latest.json and latest.md. Reported, not asserted. Ours, the ceilings and
Isso are compared in three rounds taking turns, each figure its median run. About 16 minutes
(``--quick``: one round, about 4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

# Run as a script: the repository root on the path, for ``bench.harness``.
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import psycopg  # noqa: E402
import redis  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

from bench.harness import load, processes, report, sustain  # noqa: E402
from bench.harness import profile as profile_harness  # noqa: E402
from bench.peers import isso  # noqa: E402

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/moderation_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
RESULTS = HERE / "results"
SITE = "bench"
ORIGIN = "https://bench.example"
READ_THREAD = "bench/read-50"
ISSO_READ_URI = "/bench/read-50"
WEB_PORT, CEILING_PORT, ISSO_PORT = 18431, 18432, 18433
CEILING_BASE, ISSO_BASE = f"http://127.0.0.1:{CEILING_PORT}", f"http://127.0.0.1:{ISSO_PORT}"
CONNECTIONS = 32
REQUESTS_PER_CONNECTION = 20  # then wrk's connection is closed: see bench/wrk/report.lua
FIXED_RATES = (50, 150, 300)
TOPOLOGY = ("web", "relay", "worker", "beat")  # the Procfile's processes
DRAIN_CONCURRENCY = (1, 2, 4)  # Celery worker processes; what one more of them buys
SUBMIT_ENV = {"BENCH_SITE": SITE, "BENCH_THREADS": "200"}
CIVIL_COMMENTS = (
    "A measured view on the new budget: the figures add up, and the *timetable* looks sensible.",
    "I read the whole report. The library funding is the part worth arguing about, not the roads.",
    "Thanks for explaining the consultation; I had no idea the deadline was this close.",
    "The council should publish the full spreadsheet so readers can check the sums themselves.",
    "My street waited two years for the repairs, so I welcome any plan that sets a date.",
)


def read_thread() -> list[tuple[str, str, str]]:
    """Author, email and text of the 50 civil comments seeded into ours and Isso's thread;
    every text is new (the same words from one address are a duplicate)."""
    return [(f"Reader {n}", f"seed-{n}@bench.example",
             f"{CIVIL_COMMENTS[n % len(CIVIL_COMMENTS)]} (Point {n + 1}.)") for n in range(50)]


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.quick = args.quick
        self.wrk_seconds = 8 if self.quick else 15
        self.rounds = 1 if self.quick else 3  # of each comparison's runs, taking turns
        self.warmup = 2 if self.quick else 3
        self.fixed_seconds = 10 if self.quick else 30
        self.sustain_seconds = 20 if self.quick else 60
        self.folder = Path(tempfile.mkdtemp(prefix="moderation-bench-"))
        (self.folder / "metrics").mkdir()
        self.database_url, self.redis_url = args.database_url, args.redis_url
        self.base = f"http://127.0.0.1:{WEB_PORT}"
        self.web_workers, self.web_threads = serve_defaults()
        self.limits = "on, SUBMISSION_RATE_LIMIT=1000000/minute (Flask-Limiter in Redis)"
        self.env = processes.environment({
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
            "MODERATION_ENV": "production",
            "IDENTITY_HASH_KEY": "bench-identity-key-production-wants-32-bytes",
            "EMAIL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "MODERATION_INSTANCE_PATH": str(self.folder / "instance"),
            "PROMETHEUS_MULTIPROC_DIR": str(self.folder / "metrics"),
            "SUBMISSION_RATE_LIMIT": "1000000/minute", "WEB_CONCURRENCY": str(self.web_workers),
            "PYTHONUNBUFFERED": "1"})
        self.running: dict[str, processes.Process] = {}
        self.db: psycopg.Connection | None = None

    # --- setup and teardown -------------------------------------------------------------

    def admin(self, sql: str) -> None:
        admin_url = self.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)

    def create(self) -> None:
        name = self.database_url.rsplit("/", 1)[1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{name}"')
        with redis.Redis.from_url(self.redis_url) as client:
            client.flushdb()
        moderation = str(processes.BIN / "moderation")
        for command in ([moderation, "db", "upgrade"],
                        [moderation, "sites", "create", SITE, "--origin", ORIGIN,
                         "--flood-interval", "0"]):
            subprocess.run(command, env=self.env, cwd=self.folder, check=True,
                           capture_output=True)
        self.db = psycopg.connect(self.database_url, autocommit=True)

    def start(self, name: str, *extra: str) -> None:
        self.running[name] = processes.start_procfile_entry(name, self.env, self.folder,
                                                            WEB_PORT, *extra)

    def stop(self, name: str) -> None:
        self.running.pop(name).stop(timeout=60)

    def teardown(self) -> None:
        for process in list(self.running.values()):
            process.stop()
        if self.db is not None:
            self.db.close()
        with redis.Redis.from_url(self.redis_url) as client:
            client.flushdb()
        if not self.args.keep:
            self.admin(f'DROP DATABASE IF EXISTS "{self.database_url.rsplit("/", 1)[1]}" '
                       "WITH (FORCE)")

    # --- helpers -------------------------------------------------------------------------

    def pending(self) -> int:
        return self.db.execute("SELECT count(*) FROM comments WHERE status = 'pending'"
                               ).fetchone()[0]

    def wrk(self, path: str, script: str, base: str | None = None, **env: str) -> dict:
        url = (base or self.base) + path
        # a fresh run name per wrk run: its authors and bodies are new (no 409 duplicates)
        env = {"BENCH_ORIGIN": ORIGIN,
               "BENCH_REQUESTS_PER_CONNECTION": str(REQUESTS_PER_CONNECTION), **env}
        run = env.get("BENCH_RUN", "run")
        load.wrk(url, script, seconds=self.warmup, connections=CONNECTIONS,
                 env={**env, "BENCH_RUN": f"{run}-warm{time.time_ns()}"})
        result = load.wrk(url, script, seconds=self.wrk_seconds, connections=CONNECTIONS,
                          env={**env, "BENCH_RUN": f"{run}-{time.time_ns()}"})
        not_2xx = "" if result["not_2xx"] is None else f", {result['not_2xx']} not 2xx"
        print(f"  {script} {path[:60]}: {result['requests_per_s']:.0f} req/s, p50 "
              f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
              f"{result['errors']} errors{not_2xx}", flush=True)
        return result

    def profiled(self, base: str, server_pid: int, script: str, name: str, **env: str) -> dict:
        """A wrk run with py-spy sampling the server inside it, a second in from either end,
        so every sample falls in steady load; requests in that window = rate x its length."""
        seconds = self.wrk_seconds - 2
        env = {"BENCH_ORIGIN": ORIGIN, "BENCH_REQUESTS_PER_CONNECTION":
               str(REQUESTS_PER_CONNECTION), **env, "BENCH_RUN": f"{name}-{time.time_ns()}"}
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(load.wrk, base + "/api/v1/comments", script,
                                  seconds=self.wrk_seconds, connections=CONNECTIONS, env=env)
            time.sleep(1)
            sampler = profile_harness.Sampler(server_pid, seconds,
                                              self.folder / f"{name}.pyspy.txt")
            rate = running.result()["requests_per_s"]
        return sampler.result(round(rate * seconds))

    @contextmanager
    def running_ceiling(self, module: str) -> Iterator[processes.Process]:
        """A ceiling app on its own port, up alongside ours."""
        process = processes.start_ceiling(module, {**self.env, "BENCH_READ_PAYLOAD": str(
            self.folder / "page.json")}, self.folder, CEILING_PORT, self.web_workers,
            self.web_threads)
        try:
            processes.wait_http(CEILING_BASE + "/nothing", expect=404, timeout=30)
            yield process
        finally:
            process.stop()

    def alternating(self, runs: dict[str, Callable[[], dict]]) -> dict[str, dict]:
        """Each of ``runs`` ``self.rounds`` times, taking turns (a, b, c, a, b, c...), so a
        busy minute of the machine's other tenants weighs on every side alike; each is
        reported by its median run (by rate), with the errors of all its runs."""
        done: dict[str, list[dict]] = {name: [] for name in runs}
        for _ in range(self.rounds):
            for name, run in runs.items():
                done[name].append(run())
        return {name: load.median_run(results) for name, results in done.items()}

    # --- phases --------------------------------------------------------------------------

    def seed_read_thread(self) -> str:
        """50 civil comments that the whole pipeline, models included, publishes."""
        for author, email, text in read_thread():
            body = json.dumps({"site": SITE, "thread": READ_THREAD, "author_name": author,
                               "author_email": email, "body": text}).encode()
            request = urllib.request.Request(self.base + "/api/v1/comments", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 202
        load.wait_until(lambda: self.db.execute(
            "SELECT approved_count FROM threads WHERE key = %s", (READ_THREAD,)
        ).fetchone()[0] == 50, timeout=120)
        path = f"/api/v1/comments?site={SITE}&thread={READ_THREAD}"
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            (self.folder / "page.json").write_bytes(response.read())
            return response.headers["ETag"]

    def reads(self, http: dict) -> None:
        """Ours (200 and 304), bare Flask's and Isso's, in alternating rounds."""
        print("reads", flush=True)
        etag = self.seed_read_thread()
        path = f"/api/v1/comments?site={SITE}&thread={READ_THREAD}"
        with self.running_ceiling("bare_flask"):
            http.update(self.alternating({
                "ceiling_read": lambda: self.wrk(path, "read.lua", CEILING_BASE),
                "read_cold": lambda: self.wrk(path, "read.lua"),
                "read_304": lambda: self.wrk(path, "read.lua", BENCH_ETAG=etag),
                "isso_read": lambda: self.wrk(f"/?uri={ISSO_READ_URI}", "read.lua", ISSO_BASE,
                                              BENCH_COUNT_STATUSES="1")}))

    def submissions(self, http: dict, e2e: dict) -> None:
        print("submissions (relay and Celery worker stopped: the web alone, as for the ceiling)",
              flush=True)
        self.stop("relay")
        self.stop("worker")
        with self.running_ceiling("insert_push"):
            http.update(self.alternating({
                "ceiling_submit": lambda: self.wrk("/api/v1/comments", "submit.lua",
                                                   CEILING_BASE, **SUBMIT_ENV),
                "submit": lambda: self.wrk("/api/v1/comments", "submit.lua", BENCH_RUN="web",
                                           **SUBMIT_ENV),
                "isso_submit": lambda: self.wrk("/new", "isso_submit.lua", ISSO_BASE,
                                                BENCH_COUNT_STATUSES="1", **SUBMIT_ENV)}))
        self.drains(e2e)
        http["submit_with_workers"] = self.wrk("/api/v1/comments", "submit.lua",
                                               BENCH_RUN="both", **SUBMIT_ENV)
        load.wait_until(lambda: self.pending() == 0, timeout=600)

    def drains(self, e2e: dict) -> None:
        """The backlog left by ``submissions``, then new ones from as long a wrk run, each
        drained by the relay and a worker of 1, 2 or 4 processes, the web idle; the Procfile's
        own worker (Celery's default: one process per core) drains last and both stay up."""
        default = os.cpu_count()
        e2e["drains"] = []
        for concurrency in sorted({*DRAIN_CONCURRENCY, default}, key=lambda n: n == default):
            if e2e["drains"]:
                load.wrk(self.base + "/api/v1/comments", "submit.lua",
                         seconds=self.wrk_seconds, connections=CONNECTIONS,
                         env={"BENCH_ORIGIN": ORIGIN, **SUBMIT_ENV,
                              "BENCH_RUN": f"backlog{concurrency}-{time.time_ns()}"})
            e2e["drains"].append(self.drain(concurrency, concurrency == default))
            if concurrency != default:
                self.stop("relay")
                self.stop("worker")
        e2e["drain_per_s"] = e2e["drains"][-1]["per_s"]

    def drain(self, concurrency: int, procfile_default: bool) -> dict:
        """Comments decided per second from the first decision to the last, so the worker's
        start-up (fork, models, connections) is left out; with it: ``seconds``. The relay
        starts with the worker, so it hands on the backlog as the worker takes it."""
        backlog = self.pending()
        since = self.db.execute("SELECT now()").fetchone()[0]
        self.start("relay")
        self.start("worker", *(() if procfile_default else ("--concurrency", str(concurrency))))
        started = time.monotonic()
        load.wait_until(lambda: self.pending() == 0, timeout=600, interval=0.25)
        seconds = time.monotonic() - started
        decided, span = self.db.execute(
            "SELECT count(*), extract(epoch FROM max(decided_at) - min(decided_at)) "
            "FROM comments WHERE decided_at >= %s", (since,)).fetchone()
        row = {"processes": concurrency, "backlog": backlog, "decided": decided,
               "seconds": seconds, "per_s": decided / float(span or seconds)}
        print(f"  {concurrency} worker process(es) drained {backlog} pending at "
              f"{row['per_s']:.0f}/s ({seconds:.1f} s with start-up)", flush=True)
        return row

    @contextmanager
    def running_peer(self, gunicorn: Path) -> Iterator[processes.Process]:
        """Isso, seeded with the same 50-comment thread, up while ours is measured: it is read
        and posted to in the same rounds as ours, with the same wrk settings, every answer's
        status counted."""
        server = isso.start(gunicorn, isso.settings(self.folder, ISSO_PORT, ORIGIN),
                            self.folder, ISSO_PORT, self.web_workers)
        try:
            processes.wait_http(ISSO_BASE + "/config", timeout=60)
            for author, email, text in read_thread():
                isso.post(ISSO_BASE, ISSO_READ_URI, {"author": author, "email": email,
                                                     "text": text, "title": "Bench read"},
                          ORIGIN)
            if isso.thread_size(ISSO_BASE, ISSO_READ_URI) != 50:
                raise RuntimeError("Isso does not show the 50 comments it accepted")
            yield server
        finally:
            server.stop()

    def cpu_by_stage(self, http: dict) -> None:
        """Last, so its extra rows and sampling disturb no other figure: the web's CPU per
        submission by stage, ours and the ceiling's, worker stopped as in ``submissions``."""
        print("web CPU per submission by stage (py-spy)", flush=True)
        self.stop("relay")
        self.stop("worker")
        with self.running_ceiling("insert_push") as ceiling:
            http["ceiling_submit"]["cpu"] = self.profiled(
                CEILING_BASE, ceiling.pid, "submit.lua", "ceiling_submit", **SUBMIT_ENV)
        http["submit"]["cpu"] = self.profiled(self.base, self.running["web"].pid, "submit.lua",
                                              "submit", **SUBMIT_ENV)

    def arrival_run(self, rate: float, seconds: float, label: str) -> dict:
        def body(index: int) -> bytes:
            return json.dumps({
                "site": SITE, "thread": f"e2e/{label}/{index % 50}",
                "author_name": f"Reader {index % 997}",
                "author_email": f"e2e-{label}-{index}@bench.example",
                "body": f"Comment {label}-{index}: the council's budget figures deserve a "
                        "closer look before the vote next week."}).encode()

        sampler = psycopg.connect(self.database_url, autocommit=True)
        try:
            run = load.arrivals(self.base, rate, seconds, body, lambda: sampler.execute(
                "SELECT count(*) FROM comments WHERE status = 'pending'").fetchone()[0], ORIGIN)
        finally:
            sampler.close()
        window = [s for s in run.samples if s[0] <= seconds]
        decided = self.decisions(f"e2e/{label}/%")
        row = {"rate": rate, "seconds": seconds, "sent": run.sent,
               "achieved_per_s": run.statuses.get(202, 0) / run.elapsed,
               "non_202": run.sent - run.statuses.get(202, 0), "statuses": run.statuses,
               "post_p50_ms": load.percentile(run.latencies_ms, 50),
               "post_p99_ms": load.percentile(run.latencies_ms, 99),
               "max_in_flight": run.max_in_flight,
               "backlog_slope_per_s": load.slope(window),
               "backlog_max": max((s[1] for s in window), default=0), **decided,
               # answered 202 but not in the database: must stay 0
               "lost": max(0, run.statuses.get(202, 0) - decided["decided"])}
        print(f"  {rate}/s for {seconds:g} s: {row['achieved_per_s']:.0f}/s accepted, POST p99 "
              f"{row['post_p99_ms']:.0f} ms, decision p50 {row['decision_p50_ms']:.0f} ms p99 "
              f"{row['decision_p99_ms']:.0f} ms, backlog {row['backlog_slope_per_s']:+.1f}/s "
              f"(max {row['backlog_max']})", flush=True)
        return row

    def decisions(self, pattern: str) -> dict:
        """Submit→decision of one run's comments, once the worker has decided them all."""
        query = """SELECT count(*), count(c.decided_at),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY d),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY d), max(d)
                   FROM (SELECT c.decided_at,
                                extract(epoch FROM c.decided_at - c.created_at) * 1000 AS d
                         FROM comments c JOIN threads t ON t.id = c.thread_id
                         WHERE t.key LIKE %s) c"""
        load.wait_until(lambda: (lambda r: r[0] == r[1])(self.db.execute(
            query, (pattern,)).fetchone()), timeout=300)
        total, _, p50, p99, worst = self.db.execute(query, (pattern,)).fetchone()
        return {"decided": total, "decision_p50_ms": float(p50 or 0),
                "decision_p99_ms": float(p99 or 0), "decision_max_ms": float(worst or 0)}

    def end_to_end(self, e2e: dict, http: dict) -> None:
        print("end to end", flush=True)
        e2e["fixed"] = [self.arrival_run(rate, self.fixed_seconds, f"r{rate}")
                        for rate in FIXED_RATES]
        at_300 = next(row for row in e2e["fixed"] if row["rate"] == 300)
        e2e["p99_at_300_under_1s"] = at_300["decision_p99_ms"] < 1000 and not at_300["non_202"]
        # start near what both halves managed alone, step by 25 % until the verdict flips,
        # then halve the gap between the best rate kept up with and the worst one not
        estimate = min(e2e["drain_per_s"], http["submit_with_workers"]["requests_per_s"])
        start = max(50, int(estimate * 0.9 / 25) * 25)
        trials = []

        def keeps_up(rate: int) -> bool:
            if trials:
                load.wait_until(lambda: self.pending() == 0, timeout=300)
            row = self.arrival_run(rate, self.sustain_seconds, f"s{len(trials)}-{rate}")
            row.update(sustained_trial=True, kept_up=sustain.kept_up(row))
            trials.append(row)
            return row["kept_up"]

        best = sustain.search(start, 2 if self.quick else 3, keeps_up)
        e2e.update(sustained_trials=trials, sustained_per_s=best,
                   sustain_seconds=self.sustain_seconds)
        runs = e2e["fixed"] + trials
        e2e.update(accepted=sum(row["statuses"].get(202, 0) for row in runs),
                   lost=sum(row["lost"] for row in runs))

    def memory(self) -> dict:
        return {name: processes.worker_rss(self.running[name].pid)
                for name in TOPOLOGY}

    def run(self) -> dict:
        isso_gunicorn = isso.install()  # before anything runs: pip disturbs no figure
        self.create()
        machine = report.machine(self.database_url, self.redis_url, self.folder)
        print(f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB; "
              f"load average {machine['load_average_before']}", flush=True)
        for name in TOPOLOGY:
            self.start(name)
        processes.wait_http(self.base + "/readyz")
        http, e2e = {}, {}
        with self.running_peer(isso_gunicorn) as peer:
            self.reads(http)
            self.submissions(http, e2e)
            isso_memory = processes.worker_rss(peer.pid)
        self.end_to_end(e2e, http)
        memory = {**self.memory(), "isso": isso_memory}
        celery = len(processes.children(self.running["worker"].pid))
        if not self.args.no_profile:
            self.cpu_by_stage(http)
        machine["load_average_after"] = report.load_average()
        return {"benchmark": "make bench", "machine": machine,
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "settings": {"quick": self.quick, "web_workers": self.web_workers,
                             "web_threads": self.web_threads, "celery_concurrency": celery,
                             "rate_limits": self.limits, "connections": CONNECTIONS,
                             "requests_per_connection": REQUESTS_PER_CONNECTION,
                             "wrk_seconds": self.wrk_seconds, "warmup_seconds": self.warmup,
                             "rounds": self.rounds,
                             "isso": {"version": isso.installed_version()}},
                "http": http, "end_to_end": e2e, "memory": memory}


def serve_defaults() -> tuple[int, int]:
    """``moderation serve``'s own defaults, so the ceilings get what the Procfile's web gets."""
    from moderation.cli import serve

    defaults = {param.name: param.default for param in serve.params}
    workers = defaults["workers"]
    return (workers() if callable(workers) else workers), defaults["thread_count"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (about 3 minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the py-spy runs that split the web's CPU per submission "
                             "(ours and the ceiling's) by stage")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[1]:
        raise SystemExit("refusing to drop a database whose name does not contain 'bench'")
    bench = Bench(args)
    try:
        results = bench.run()
    finally:
        bench.teardown()
    print("\n" + "\n".join(report.tables(results)))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    print(f"\nwrote {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}; "
          f"logs in {bench.folder}")


if __name__ == "__main__":
    main()
