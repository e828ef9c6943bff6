"""Benchmark GET /api/v1/moderation/queue on PostgreSQL with a realistic 100,000-comment site mix.

    python bench/review_queue.py [--comments 100000] [--requests 500] [--explain] [--keep]

Creates its own database (``moderation_bench_queue`` next to BENCH_POSTGRES_URL's),
migrates it, bulk-inserts the comments, ANALYZEs, then times the queue through
the full Flask stack (``app.test_client()``: routing, token check, schema, JSON).
Prints median/p95/p99 per scenario and overall and writes bench/results/review_queue.json.
The target is p99 < 50 ms; it is reported, not asserted.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import os
import platform
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import event, insert, text

from moderation import create_app
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, Thread
from moderation.privacy import privacy, token_digest
from moderation.review.moderators import create_moderator
from moderation.sites import create_site

HERE = Path(__file__).resolve().parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DATABASE = "moderation_bench_queue"
RESULTS = HERE / "results" / "review_queue.json"
SITES = ("daily", "gazette")
THREADS_PER_SITE = 1000
AUTHORS = 20_000
BATCH = 10_000
TARGET_P99_MS = 50.0
# fixed, so a database kept with --keep can be read again (e.g. to profile)
BENCH_EMAIL_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"bench-queue").digest()).decode()
# status mix: ~90% approved, ~8% held, the rest spam or rejected
STATUS_WEIGHTS = {Status.APPROVED: 90, Status.HELD: 8, Status.SPAM: 1.5, Status.REJECTED: 0.5}
HELD_BY = ("check:premoderation", "check:links", "check:word_lists", "model:toxicity",
           "model:spam")
TERMS = ("idiot", "free", "casino", "crypto", "liar", "click", "winner", "scam")


def create_database(name: str) -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def in_bench_database(name: str, run, args) -> None:
    """``run(app, args)`` inside an app on a new database of its own, dropped afterwards unless
    ``args.keep``."""
    app = build_app(create_database(name))
    try:
        with app.app_context():
            run(app, args)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if not args.keep:
            drop_database(name)


def vacuum_analyze() -> None:
    """Statistics and the visibility map, as autovacuum leaves a table after a bulk load."""
    with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) comments, threads")


def build_app(database_url: str):
    os.environ.setdefault("MODERATION_INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-queue-"))
    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "CELERY_BROKER_URL": "",
        "SECRET_KEY": "bench", "EMAIL_ENCRYPTION_KEYS": [BENCH_EMAIL_KEY],
        "IDENTITY_HASH_KEY": "bench-identity", "RATELIMIT_ENABLED": False,
    })


def seed(count: int, rng: random.Random) -> dict:
    """Sites, threads and ``count`` comments; returns what the scenarios need."""
    for site_id in SITES:
        create_site(site_id, site_id.title(), [f"https://{site_id}.example"])
    thread_rows = [{"site_id": site_id, "key": f"2026/{n:04d}/article-{n}",
                    "title": f"Article {n}", "url": f"https://{site_id}.example/a/{n}"}
                   for site_id in SITES for n in range(THREADS_PER_SITE)]
    db.session.execute(insert(Thread), thread_rows)
    threads = db.session.execute(text("SELECT id, site_id, key FROM threads ORDER BY id")).all()
    # a few hot articles draw most of the comments
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(threads))]
    sealed = [privacy().seal_email(f"reader{n}@mail{n % 50}.example") for n in range(AUTHORS)]
    # a few prolific authors, a long tail of occasional ones
    author_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(AUTHORS)))
    thread_weights = list(itertools.accumulate(weights))
    statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    now = datetime.now(UTC)
    held_per_thread: dict[tuple[str, str], int] = {}
    for start in range(0, count, BATCH):
        rows = []
        for _ in range(min(BATCH, count - start)):
            thread_id, site_id, key = rng.choices(threads, cum_weights=thread_weights)[0]
            status = rng.choices(statuses, status_weights)[0]
            author = rng.choices(sealed, cum_weights=author_weights)[0]
            rows.append(comment_row(rng, site_id, thread_id, status, author, now))
            if status == Status.HELD:
                held_per_thread[(site_id, key)] = held_per_thread.get((site_id, key), 0) + 1
        db.session.execute(insert(Comment), rows)
        db.session.commit()
    busiest = max((item for item in held_per_thread.items() if item[0][0] == SITES[0]),
                  key=lambda item: item[1])
    return {"site": SITES[0], "busy_thread": busiest[0][1], "busy_thread_held": busiest[1]}


def comment_row(rng: random.Random, site_id: str, thread_id: int, status: Status, author,
                now: datetime) -> dict:
    body = f"Comment {secrets.token_hex(6)} about the article, with some words in it."
    created = now - timedelta(seconds=rng.randrange(90 * 24 * 3600))
    spam, toxicity = round(rng.betavariate(1.2, 6), 4), round(rng.betavariate(1.2, 6), 4)
    decided_by, reasons = "scoring", []
    if status == Status.HELD:
        spam, toxicity = round(rng.random(), 4), round(rng.random(), 4)
        decided_by = rng.choice(HELD_BY)
        reasons = [{"check": decided_by.split(":")[1], "detail": f"{decided_by} hit",
                    "terms": rng.sample(TERMS, 3)}]
    elif status in (Status.SPAM, Status.REJECTED):
        spam = round(rng.uniform(0.9, 1), 4)
        decided_by = "model:spam"
    return {
        "public_id": secrets.token_urlsafe(12), "site_id": site_id, "thread_id": thread_id,
        "author_name": f"Reader {rng.randrange(10_000)}",
        "email_ciphertext": author.ciphertext, "email_digest": author.digest,
        "author_token_digest": token_digest(secrets.token_hex(8)),
        "ip_digest": hashlib.sha256(str(rng.randrange(50_000)).encode()).hexdigest(),
        "body": body, "body_digest": hashlib.sha256(body.encode()).hexdigest(),
        "body_html": f"<p>{body}</p>", "honeypot_filled": False, "status": status,
        "scores": {"spam": spam, "toxicity": toxicity}, "risk": max(spam, toxicity),
        "decided_by": decided_by, "reasons": reasons,
        "model_versions": {"spam": "spam-2026.11.1", "toxicity": "tox-2026.11.1"},
        "created_at": created, "updated_at": created, "decided_at": created,
    }


def scenarios(client, headers: dict, context: dict) -> dict[str, list[str]]:
    """URLs per scenario; the deep one follows cursors five pages into the riskiest."""
    base = f"/api/v1/moderation/queue?site={context['site']}"
    deep, cursor = [], None
    for _ in range(5):
        url = base + (f"&cursor={cursor}" if cursor else "")
        deep.append(url)
        cursor = client.get(url, headers=headers).get_json()["next_cursor"]
    return {
        "risk (default)": [base],
        "risk, pages 1-5 by cursor": deep,
        "oldest": [base + "&order=oldest"],
        "newest, page 2": [base + "&order=newest&cursor=" + client.get(
            base + "&order=newest", headers=headers).get_json()["next_cursor"]],
        "thread filter": [base + f"&thread={context['busy_thread']}"],
        "reason filter": [base + "&reason=model:"],
    }


def summarise(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"requests": len(ordered), "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(percentile(95), 2), "p99_ms": round(percentile(99), 2),
            "max_ms": round(ordered[-1], 2),
            "requests_per_s": round(len(ordered) / (sum(ordered) / 1000), 1)}


def time_requests(client, headers: dict, urls: list[str], count: int) -> list[float]:
    samples = []
    for n in range(count):
        url = urls[n % len(urls)]
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.get_data()}")
    return samples


def explain(client, headers: dict, url: str) -> list[str]:
    """EXPLAIN ANALYZE every statement one request runs."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in captured:
            if statement.lstrip().upper().startswith("SELECT"):
                rows = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans.append(" ".join(statement.split())[:300] + "\n"
                             + "\n".join(row[0] for row in rows))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500, help="timed requests per scenario")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=20261128)
    in_bench_database(DATABASE, run, parser.parse_args())


def run(app, args) -> None:
    upgrade()
    started = time.perf_counter()
    context = seed(args.comments, random.Random(args.seed))
    db.session.commit()
    vacuum_analyze()
    seeded_s = time.perf_counter() - started
    counts = dict(db.session.execute(text(
        "SELECT status, count(*) FROM comments GROUP BY status")).all())
    _, token = create_moderator("bench", None, "moderator")
    headers = {"Authorization": f"Bearer {token}"}
    machine = {
        "cores": os.cpu_count(), "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": db.session.execute(text("SHOW server_version")).scalar(),
        "load_average_before": [round(load, 2) for load in os.getloadavg()],
    }
    print(f"machine: {machine['cores']} cores, Python {machine['python']}, "
          f"PostgreSQL {machine['postgresql']} ({machine['platform']}); "
          f"load average {machine['load_average_before']}")
    print(f"seeded {args.comments} comments in {seeded_s:.1f}s: {counts}; busiest held thread "
          f"{context['busy_thread']} ({context['busy_thread_held']} held)")
    db.session.remove()

    client = app.test_client()
    plan = scenarios(client, headers, context)
    for urls in plan.values():  # warm caches and connections
        time_requests(client, headers, urls, 20)
    results, everything = {}, []
    print(f"\n{'scenario':<28}{'median':>9}{'p95':>9}{'p99':>9}{'max':>9}{'req/s':>9}")
    for name, urls in plan.items():
        samples = time_requests(client, headers, urls, args.requests)
        everything += samples
        results[name] = summarise(samples)
        row = results[name]
        print(f"{name:<28}{row['median_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
              f"{row['max_ms']:>9}{row['requests_per_s']:>9}")
    overall = summarise(everything)
    print(f"{'all':<28}{overall['median_ms']:>9}{overall['p95_ms']:>9}{overall['p99_ms']:>9}"
          f"{overall['max_ms']:>9}{overall['requests_per_s']:>9}")
    slow = [name for name, row in results.items() if row["p99_ms"] >= TARGET_P99_MS]
    machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    verdict = f"p99 < {TARGET_P99_MS:g} ms: " + ("yes" if not slow else f"NO ({', '.join(slow)})")
    print(f"load average after: {machine['load_average_after']} (other processes skew the tail)")
    print("\n" + verdict)
    if args.explain or slow:
        for name in slow or plan:
            print(f"\n--- EXPLAIN ANALYZE: {name} ---")
            print("\n\n".join(explain(client, headers, plan[name][-1])))

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "GET /api/v1/moderation/queue", "machine": machine,
        "comments": args.comments, "statuses": counts, "seed_seconds": round(seeded_s, 1),
        "limit": 50, "target_p99_ms": TARGET_P99_MS, "scenarios": results, "overall": overall,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
