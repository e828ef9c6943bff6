"""CPU of one submission in all: the web's Python, PostgreSQL's backend and Redis's server.

    python bench/submission_cpu.py [--submissions 1000] [--rounds 5] [--ddl SQL ...]

Sends POST /api/v1/comments, one after another, through the app's WSGI callable (no HTTP
server: Granian's share is the same whatever the app does), built with production
settings as ``moderation serve`` builds it (PostgreSQL, Redis broker and rate limits, the
default's two limits out of reach, metrics in a multiprocess directory), against a
database of its own: migrated, seeded with ``SEED_COMMENTS`` comments and two log rows
each so the indexes have a realistic depth, then analysed. Per submission it counts:

- web: this thread's CPU (``time.thread_time``);
- PostgreSQL: the CPU of the backends serving this process (``/proc/<pid>/schedstat``);
- Redis: the server's CPU (``INFO cpu``), which counts anyone else using that server too.

These are CPU, not wall-clock, figures, so they stand on a shared machine better than a
request rate does. Each round sends ``--submissions`` new comments (new bodies, authors
spread over 200 threads as ``make bench``'s); the median round is printed. ``--ddl``
statements run on the database after seeding, to price a schema change (drop an index or
a trigger) without a migration; ``PYTHONPATH=<checkout>`` prices another checkout's code.
Submissions are sequential, so what concurrency adds (lock waits) is not in these figures.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis
from cryptography.fernet import Fernet

# Run as a script: the repository root on the path, for ``bench.harness``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import processes

DATABASE = "postgresql://postgres@127.0.0.1:5432/moderation_bench_cpu"
APPLICATION = "submission-cpu"  # the backends serving the app carry this name
REDIS = "redis://127.0.0.1:6379/11"
ORIGIN = "https://bench.example"
SITE = "bench"
THREADS = 200
SEED_COMMENTS = 100_000

SEED = """
SET session_replication_role = replica;  -- no triggers or FK checks while seeding
INSERT INTO threads (site_id, key, closed, published_version, approved_count, created_at)
SELECT '__SITE__', 'seed/' || g, false, 0, 0, now() - interval '30 days'
FROM generate_series(1, 2000) g;
INSERT INTO comments (public_id, site_id, thread_id, author_name, email_digest,
    author_token_digest, ip_digest, body, body_digest, body_html, honeypot_filled, status,
    scores, risk, scoring_failures, version, reasons, model_versions, recent_edits,
    created_at, updated_at, queued_at, decided_at, decided_by)
SELECT left(md5('p' || g), 16), '__SITE__', t.first + g % 2000, 'Reader ' || g % 5000,
    md5('e' || g % 20000) || md5('f' || g % 20000), md5('t' || g) || md5('u' || g),
    md5('i' || g % 30000) || md5('j' || g % 30000), 'Seed comment ' || g,
    md5('b' || g) || md5('c' || g), '<p>Seed comment ' || g || '</p>', false,
    (ARRAY['approved', 'approved', 'approved', 'approved', 'approved', 'approved',
           'held', 'rejected', 'spam', 'deleted'])[1 + g % 10],
    '{}', 0.1, 0, 2, '[]', '{}', 0, now() - (g || ' minutes')::interval,
    now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
    now() - (g || ' minutes')::interval + interval '1 second', 'model:seed'
FROM generate_series(1, __COMMENTS__) g, (SELECT min(id) AS first FROM threads) t;
INSERT INTO status_changes (comment_id, site_id, comment_created_at, from_status, to_status,
    actor, details, created_at)
SELECT id, site_id, created_at, NULL, 'pending', 'submission', '{}'::json, created_at FROM comments
UNION ALL
SELECT id, site_id, created_at, 'pending', status, 'model:seed', '{}'::json, decided_at
FROM comments;
SET session_replication_role = origin;
"""


def configure(folder: Path, database: str) -> None:
    """The environment ``make bench`` gives the Procfile's web, before the app is imported
    (prometheus_client picks its multiprocess mode at import)."""
    (folder / "metrics").mkdir()
    os.environ.update({
        "DATABASE_URL": f"{database}?application_name={APPLICATION}", "REDIS_URL": REDIS,
        "MODERATION_ENV": "production",
        "IDENTITY_HASH_KEY": "bench-identity-key-production-wants-32-bytes",
        "EMAIL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "MODERATION_INSTANCE_PATH": str(folder / "instance"),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "SUBMISSION_RATE_LIMIT": "1000000/minute;10000000/hour"})


def create_database(database: str) -> None:
    admin_url, name = database.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def seed(app, database: str, ddl: list[str]) -> None:
    from flask_migrate import upgrade

    from moderation.sites import create_site

    with app.app_context():
        upgrade()
        create_site(SITE, None, [ORIGIN], flood_interval_seconds=0)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(SEED.replace("__SITE__", SITE)
                           .replace("__COMMENTS__", str(SEED_COMMENTS)))
        for statement in ddl:
            connection.execute(statement)
        connection.execute("VACUUM ANALYZE")


def environs(run: str, count: int) -> list[dict]:
    """Each submission's WSGI environ, built before the clock starts."""
    from werkzeug.test import EnvironBuilder

    built = []
    for n in range(count):
        body = (f'{{"site": "{SITE}", "thread": "bench/{n % THREADS}", "body": "Comment '
                f'{run}-{n} on the council budget: the figures in paragraph three do not add '
                f'up, and the *deadline* seems rushed.", "author_name": "Reader {n % 5000}", '
                f'"author_email": "reader-{run}-{n}@bench.example"}}').encode()
        environ = EnvironBuilder("/api/v1/comments", method="POST", data=body,
                                 content_type="application/json",
                                 headers={"Origin": ORIGIN},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        built.append(environ)
    return built


def backend_ns(monitor: psycopg.Connection) -> int:
    """CPU time of every backend serving the app (its pool keeps them for the whole run)."""
    pids = [row[0] for row in monitor.execute(
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APPLICATION,))]
    return processes.cpu_ns(pids)


def redis_seconds(client: redis.Redis) -> float:
    cpu = client.info("cpu")
    return cpu["used_cpu_user"] + cpu["used_cpu_sys"]


def one_round(app, run: str, count: int, monitor, client) -> dict:
    batch = environs(run, count)
    statuses = []

    def start_response(status, _headers, _exc_info=None):
        statuses.append(status)

    pg, rd, web = backend_ns(monitor), redis_seconds(client), time.thread_time()
    for environ in batch:
        answer = app.wsgi_app(environ, start_response)
        b"".join(answer)
        answer.close()
    web = time.thread_time() - web
    pg, rd = backend_ns(monitor) - pg, redis_seconds(client) - rd
    refused = [status for status in statuses if not status.startswith("202")]
    if refused:
        raise RuntimeError(f"{len(refused)} submissions not accepted, e.g. {refused[0]}")
    return {"web": web / count * 1e6, "postgresql": pg / count / 1e3,
            "redis": rd / count * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ddl", action="append", default=[],
                        help="SQL run on the seeded database before measuring (repeatable)")
    parser.add_argument("--database-url", default=DATABASE)
    args = parser.parse_args()
    if "bench" not in args.database_url.rsplit("/", 1)[1]:
        raise SystemExit("refusing to drop a database whose name does not contain 'bench'")
    configure(Path(tempfile.mkdtemp(prefix="submission-cpu-")), args.database_url)
    from moderation import create_app

    create_database(args.database_url)
    app = create_app()
    seed(app, args.database_url, args.ddl)
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    with psycopg.connect(args.database_url, autocommit=True) as monitor:
        one_round(app, f"warm{time.time_ns()}", min(args.submissions, 400), monitor, client)
        rounds = [one_round(app, f"r{n}-{time.time_ns()}", args.submissions, monitor, client)
                  for n in range(args.rounds)]
    client.flushdb()
    print(f"checkout: {Path(sys.modules['moderation'].__file__).parents[1]}; "
          f"ddl: {args.ddl or 'none'}; load average {os.getloadavg()[0]:.1f}")
    for part in ("web", "postgresql", "redis"):
        values = [round(r[part]) for r in rounds]
        print(f"{part:>10} µs per submission: median {statistics.median(values):.0f} "
              f"(rounds {values})")
    totals = [round(r['web'] + r['postgresql'] + r['redis']) for r in rounds]
    print(f"{'all':>10} µs per submission: median {statistics.median(totals):.0f} "
          f"(rounds {totals})")


if __name__ == "__main__":
    main()
