"""Where the web's CPU goes: py-spy samples the web server's workers (Granian) while wrk
loads them.

Only samples of a thread holding the GIL count (``--gil``): a thread waiting on a socket,
the database or the GIL itself is not using the CPU. Divided by the requests served in
the same window, that is the web's Python CPU per request, ours next to the ceiling's,
split by stage of the request. Granian's own Rust code (HTTP parsing, connections, handing
requests to the threads) runs outside any Python frame, so py-spy, which only sees Python
frames, does not count it: the server's own cost shows only in the req/s figures.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from .processes import BIN

RATE_HZ = 200
# A sample belongs to the first stage any of its frames names; what none names is the
# server and framework around the view (Granian, werkzeug, Flask, smorest); our own
# request hooks are a stage of their own, last, as the view's stages are inside none.
# The ceiling's psycopg INSERT and redis-py LPUSH count as insert and queue push.
STAGES = (
    ("rate limit (Flask-Limiter)", ("flask_limiter/", "moderation/web/ratelimits.py")),
    ("queue push (Celery, kombu, redis-py)", ("hand_over", "redis/")),
    ("checks, comment and log row: one statement (psycopg)",
     ("insert_unless_refused", "_new_thread", "psycopg/")),
    ("validation (webargs, marshmallow, email-validator)", ("Parser.parse (webargs/",)),
    ("render + sanitise (markdown-it, nh3)", ("render_body",)),
    ("encrypt email, HMAC digests", ("moderation/privacy/__init__.py",)),
    ("rest of the view", ("submit_comment", "insert_push.py")),
    ("our request hooks (log id, metrics, CORS, headers, body, proxies)",
     ("moderation/platform/logs.py", "moderation/platform/metrics.py",
      "moderation/web/cors.py", "moderation/web/headers.py", "moderation/web/bodies.py",
      "moderation/web/proxies.py", "moderation/platform/hooks.py")),
)
FRAMEWORK = "server and framework (Granian, werkzeug, Flask, smorest)"


class Sampler:
    """``py-spy record`` of the web server's master and its workers (Granian forks them, so
    ``--subprocesses`` follows them), for ``seconds``."""

    def __init__(self, pid: int, seconds: int, output: Path):
        self.output = output
        self.popen = subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(pid), "--subprocesses",
             "--gil", "--rate", str(RATE_HZ), "--duration", str(seconds), "--format", "raw",
             "--nonblocking", "--output", str(output)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def result(self, requests: int) -> dict:
        self.popen.wait(timeout=120)
        return breakdown(self.output.read_text(), requests)


def breakdown(raw: str, requests: int) -> dict:
    """CPU ms per request, in all and by stage, from py-spy's collapsed stacks."""
    by_stage: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            by_stage[_stage(stack)] += int(count)
    total = sum(by_stage.values())
    per_request = 1000 / RATE_HZ / max(requests, 1)
    return {"samples": total, "cpu_ms_per_request": round(total * per_request, 3),
            "stages_ms": {stage: round(samples * per_request, 3)
                          for stage, samples in by_stage.most_common()}}


def _stage(stack: str) -> str:
    # py-spy roots each stack in "process <pid>:<command line>" frames: not code, and the
    # ceiling's command line names its script
    stack = ";".join(frame for frame in stack.split(";") if not frame.startswith("process "))
    for stage, markers in STAGES:
        if any(marker in stack for marker in markers):
            return stage
    return FRAMEWORK
