"""Benchmark GET /api/v1/moderation/stats (the dashboard) on PostgreSQL at 1,000,000 comments.

    python bench/review_stats.py [--comments 1000000] [--days 365] [--requests 300] [--explain]
                                 [--keep] [--reuse]

Creates its own database (``moderation_bench_stats`` next to BENCH_POSTGRES_URL's), migrates
it and seeds it in SQL (``generate_series``, no row-by-row inserts): two sites (70/30), a
year of comments, each with its log as the service writes it (submitted; scored approved,
spam, rejected or held by a check; most held ones decided by a moderator within a day; a few
approved ones taken down). Then it times the dashboard's periods through the full Flask stack
(``app.test_client()``), prints median/p95/p99 per period and writes
bench/results/review_stats.json. The target is p99 <= 50 ms; it is reported, not asserted.

``--reuse`` keeps the database and, on the next run with the same ``--comments`` and
``--days``, migrates it to head and reads it again instead of seeding for eight minutes (its
roll-ups emptied, so each period's first request still rolls up its hours). Its comments then
end when it was seeded, not now: the shortest periods see fewer of them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from review_queue import (
    ADMIN_URL,
    build_app,
    create_database,
    drop_database,
    explain,
    summarise,
    time_requests,
)
from sqlalchemy import text

from moderation.extensions import db
from moderation.review.moderators import create_moderator
from moderation.sites import create_site

HERE = Path(__file__).resolve().parent
DATABASE = "moderation_bench_stats"
RESULTS = HERE / "results" / "review_stats.json"
TARGET_P99_MS = 50.0

# One row per comment: when, which site, and what happened to it (r picks the first move,
# s the moderator's word on a held one, d how long they took).
PLAN = """
CREATE TEMPORARY TABLE plan AS
SELECT g AS id, CASE WHEN g % 10 < 7 THEN 'daily' ELSE 'gazette' END AS site_id,
       now() - random() * make_interval(days => :days) AS created,
       random() AS r, random() AS s, random() AS d
FROM generate_series(1, :comments) AS g
"""
# first move by scoring, then a held comment's moderator decision (recent ones still wait)
FIRST = """CASE WHEN r < 0.80 THEN 'approved' WHEN r < 0.85 THEN 'spam'
                WHEN r < 0.87 THEN 'rejected' ELSE 'held' END"""
WAITING = "(r >= 0.87 AND created > now() - interval '1 day' AND s < 0.3)"
MODERATED = f"""CASE WHEN NOT (r >= 0.87) OR {WAITING} THEN NULL WHEN s < 0.75 THEN 'approved'
                     WHEN s < 0.93 THEN 'rejected' ELSE 'spam' END"""
CHECK = """(ARRAY['check:links', 'check:word_lists', 'check:premoderation', 'model:toxicity',
                  'model:spam'])[1 + (id % 5)]"""
SCORED_BY = f"""CASE WHEN r < 0.80 THEN 'scoring' WHEN r < 0.85 THEN 'model:spam'
                     WHEN r < 0.87 THEN 'check:word_lists' ELSE {CHECK} END"""
SEED = [
    PLAN,
    "ALTER TABLE plan ADD COLUMN first text, ADD COLUMN final text, ADD COLUMN actor text",
    f"UPDATE plan SET first = {FIRST}, final = coalesce({MODERATED}, {FIRST}), "
    f"actor = {SCORED_BY}",
    """INSERT INTO threads (id, site_id, key, title, url, closed, published_version,
                           approved_count, created_at)
       SELECT CASE site WHEN 'daily' THEN 0 ELSE 1000 END + n, site, 'article-' || n,
              'Article ' || n, NULL, false, 0, 0, now()
       FROM unnest(ARRAY['daily', 'gazette']) AS site, generate_series(1, 1000) AS n""",
    "SELECT setval('threads_id_seq', 2000)",
    """INSERT INTO comments (id, public_id, site_id, thread_id, author_name, author_token_digest,
           body, body_digest, body_html, honeypot_filled, status, scores,
           risk, scoring_failures, decided_by, version, reasons, model_versions, created_at,
           updated_at, decided_at, recent_edits)
       SELECT id, md5(id::text), site_id,
              CASE site_id WHEN 'daily' THEN 1 ELSE 1001 END + id % 1000,
              'Reader', md5('t' || id), 'Comment ' || id, md5('b' || id),
              '<p>Comment ' || id || '</p>', false, final,
              json_build_object('spam', r / 2, 'toxicity', r / 3), r / 2, 0,
              CASE WHEN final = first THEN actor ELSE 'moderator:ann' END, 1,
              CASE WHEN first = 'held' THEN json_build_array(json_build_object(
                  'check', split_part(actor, ':', 2), 'detail', actor || ' hit'))
                   ELSE '[]'::json END,
              '{}'::json, created, created, created + interval '1 second', 0
       FROM plan ORDER BY id""",
    "SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))",
    """INSERT INTO status_changes (comment_id, site_id, comment_created_at, from_status,
                                  to_status, actor, details, created_at)
       SELECT id, site_id, created, NULL, 'pending', 'submission', '{}'::json, created
       FROM plan
       UNION ALL
       SELECT id, site_id, created, 'pending', first, actor, '{}'::json,
              created + (0.2 + 2 * d) * interval '1 second' FROM plan
       UNION ALL
       SELECT id, site_id, created, 'held', final, 'moderator:ann', json_build_object(
              'decision', CASE final WHEN 'approved' THEN 'approve'
                                     WHEN 'rejected' THEN 'reject' ELSE 'spam' END),
              created + (60 + 86400 * d * d) * interval '1 second'
       FROM plan WHERE first = 'held' AND final <> 'held'
       UNION ALL
       SELECT id, site_id, created, 'approved', 'rejected', 'moderator:bob',
              '{"decision": "takedown"}'::json,
              created + (600 + 172800 * d) * interval '1 second'
       FROM plan WHERE first = 'approved' AND s < 0.002""",
    # a takedown leaves the comment rejected
    """UPDATE comments SET status = 'rejected', decided_by = 'moderator:bob'
       FROM plan WHERE comments.id = plan.id AND first = 'approved' AND s < 0.002""",
]


def seed(comments: int, days: int) -> None:
    for site_id in ("daily", "gazette"):
        create_site(site_id, site_id.title(), [f"https://{site_id}.example"])
    for statement in SEED:
        db.session.execute(text(statement), {"comments": comments, "days": days})
    db.session.commit()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) comments, threads, status_changes")


def periods(now: datetime) -> dict[str, str]:
    """The dashboard's periods for the larger site, ending now."""
    base = "/api/v1/moderation/stats?site=daily"

    def since(delta: timedelta, bucket: str) -> str:
        return f"{base}&from={now - delta:%Y-%m-%dT%H:%M:%SZ}&to={now:%Y-%m-%dT%H:%M:%SZ}" \
               f"&bucket={bucket}"

    return {"24 hours by hour": since(timedelta(days=1), "hour"),
            "48 hours by hour": since(timedelta(days=2), "hour"),
            "7 days by hour (default)": base,
            "30 days by day": since(timedelta(days=30), "day"),
            "90 days by day": since(timedelta(days=90), "day")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365, help="the comments' span")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per period")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database and read it again when seeded alike")
    args = parser.parse_args()
    seeded = f"seeded with {args.comments} comments over {args.days} days"
    reused = args.reuse and _database_comment() == seeded
    app = build_app(_database_url() if reused else create_database(DATABASE))
    try:
        with app.app_context():
            run(app, args, seeded, reused)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if not (args.keep or args.reuse):
            drop_database(DATABASE)


def _database_comment() -> str | None:
    """How the bench database was seeded (its COMMENT), None when there is none."""
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (DATABASE,)).fetchone()
    return row and row[0]


def _database_url() -> str:
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{DATABASE}"


def run(app, args, seeded: str, reused: bool) -> None:
    upgrade()
    started = time.perf_counter()
    if reused:
        db.session.execute(text("TRUNCATE stats_hours"))
        db.session.execute(text("DELETE FROM moderators WHERE name = 'bench'"))
        db.session.commit()
    else:
        seed(args.comments, args.days)
        db.session.execute(text(f"COMMENT ON DATABASE {DATABASE} IS '{seeded}'"))
        db.session.commit()
    seeded_s = time.perf_counter() - started
    changes = db.session.execute(text("SELECT count(*) FROM status_changes")).scalar()
    _, token = create_moderator("bench", None, "moderator")
    headers = {"Authorization": f"Bearer {token}"}
    machine = {"cores": os.cpu_count(), "python": platform.python_version(),
               "postgresql": db.session.execute(text("SHOW server_version")).scalar(),
               "load_average_before": [round(load, 2) for load in os.getloadavg()]}
    print(f"machine: {machine['cores']} cores, Python {machine['python']}, PostgreSQL "
          f"{machine['postgresql']}; load average {machine['load_average_before']}")
    print(f"{'reused the database ' if reused else ''}{seeded} ({changes} status changes)"
          f"{'' if reused else f' in {seeded_s:.1f}s'}")
    db.session.remove()
    # as `moderation serve` does before Granian forks (platform/serving.py): else a full
    # collection walking the app's objects lands in a request now and then (about 80 ms)
    gc.collect()
    gc.freeze()

    client = app.test_client()
    plan = periods(datetime.now(UTC))
    first = {}
    for name, url in plan.items():  # the first request rolls up the period's completed hours
        started = time.perf_counter()
        time_requests(client, headers, [url], 1)
        first[name] = round(1000 * (time.perf_counter() - started), 1)
    for url in plan.values():  # warm caches and connections
        time_requests(client, headers, [url], 10)
    results = {}
    print(f"\n{'period (site of 700,000)':<28}{'median':>9}{'p95':>9}{'p99':>9}{'max':>9}"
          f"{'first':>9}")
    for name, url in plan.items():
        row = results[name] = summarise(time_requests(client, headers, [url], args.requests))
        row["first_request_ms"] = first[name]
        print(f"{name:<28}{row['median_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
              f"{row['max_ms']:>9}{row['first_request_ms']:>9}")
    machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    slow = [name for name, row in results.items() if row["p99_ms"] > TARGET_P99_MS]
    print(f"load average after: {machine['load_average_after']}")
    print(f"\np99 <= {TARGET_P99_MS:g} ms: " + ("yes" if not slow else f"NO ({', '.join(slow)})"))
    if args.explain:
        for name, url in plan.items():
            print(f"\n--- EXPLAIN ANALYZE: {name} ---")
            print("\n\n".join(explain(client, headers, url)))
    RESULTS.write_text(json.dumps({
        "benchmark": "GET /api/v1/moderation/stats", "machine": machine,
        "comments": args.comments, "days": args.days, "status_changes": changes,
        "seed_seconds": None if reused else round(seeded_s, 1), "reused_database": reused,
        "target_p99_ms": TARGET_P99_MS,
        "periods": results, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
