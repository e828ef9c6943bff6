"""CPU of a submission's own request steps, in-process: the limiter and the app's hooks.

    python bench/request_steps.py [--iterations 2000]

Times, with ``time.thread_time`` (this thread's CPU, which a loaded machine does not
inflate as it does py-spy's GIL samples), what the app runs around a submission's view:
the rate limit check against real Redis (DB 10; the default's shape, a per-minute and a
per-hour limit, out of reach) and all of Flask's before- and after-request processing
(the app's and the public blueprint's hooks, the limiter included). µs per submission, the
best of 7 rounds. Run it on two checkouts (``PYTHONPATH=<checkout>``) to compare them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet
from flask import Response
from flask_migrate import upgrade

from moderation import create_app
from moderation.sites import create_site

REDIS = "redis://127.0.0.1:6379/10"
ORIGIN = "https://bench.example"
BODY = {"site": "bench", "thread": "t", "author_name": "A", "author_email": "a@b.example",
        "body": "A remark."}
ROUNDS = 7


def app_for_steps():
    """A migrated SQLite app with the bench's site, so CORS finds its origins as in the bench."""
    instance = tempfile.mkdtemp(prefix="request-steps-")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/steps.db", "CELERY_BROKER_URL": "",
        "EMAIL_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "IDENTITY_HASH_KEY": "request-steps-identity-key", "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"steps-{time.time_ns()}",
        "SUBMISSION_RATE_LIMIT": "1000000/minute;10000000/hour"})
    with app.app_context():
        upgrade()
        create_site("bench", None, [ORIGIN], flood_interval_seconds=0)
    return app


def best_us(step, iterations: int) -> float:
    rounds = []
    for _ in range(ROUNDS):
        started = time.thread_time()
        for _ in range(iterations):
            step()
        rounds.append((time.thread_time() - started) / iterations * 1e6)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    iterations = parser.parse_args().iterations
    app = app_for_steps()
    limiter = app.extensions["moderation.limiter"]
    check = getattr(limiter, "check_request", None) or limiter._check_request_limit

    def request_context():
        return app.test_request_context("/api/v1/comments", method="POST", json=BODY,
                                        headers={"Origin": ORIGIN},
                                        environ_base={"REMOTE_ADDR": "203.0.113.5"})

    def limit() -> None:
        with request_context():
            check()

    def context_only() -> None:
        with request_context():
            pass

    def hooks() -> None:
        with request_context():
            assert app.preprocess_request() is None
            app.process_response(Response("{}", status=202, mimetype="application/json"))
            app.do_teardown_request()

    limit()  # loads the script, connects
    base = best_us(context_only, iterations)
    print(f"checkout: {Path(sys.modules['moderation'].__file__).parents[1]}")
    print(f"rate limit check: {best_us(limit, iterations) - base:.0f} µs")
    print(f"before + after request processing, limiter included: "
          f"{best_us(hooks, iterations) - base:.0f} µs")
    print(f"(a request context alone, subtracted from both: {base:.0f} µs)")


if __name__ == "__main__":
    main()
