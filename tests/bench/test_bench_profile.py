"""``make bench --profile`` turns py-spy's collapsed stacks into CPU per request by stage."""

from __future__ import annotations

from bench.harness.profile import FRAMEWORK, RATE_HZ, breakdown

RAW = "\n".join([
    "_runner (granian/wsgi.py:57);post (moderation/api/public.py:26);"
    "submit_comment (moderation/comments/submission.py:93);"
    "hand_over (moderation/outbox/relay.py:80);"
    "_put (kombu/transport/redis.py:1679) 30",
    "_runner (granian/wsgi.py:57);_check_request_limit (flask_limiter/_extension.py:1)"
    ";execute_command (redis/client.py:717) 10",
    "_runner (granian/wsgi.py:57);submit_comment (moderation/submission.py:93);"
    "insert_unless_refused (moderation/comments/store.py:152) 20",
    "_runner (granian/wsgi.py:57);full_dispatch_request (flask/app.py:904) 40",
    # every view runs inside webargs' wrapper: only its parsing is validation
    "wrapper (webargs/core.py:652);submit_comment (moderation/submission.py:93);"
    "render_body (moderation/rendering.py:24) 7",
    "wrapper (webargs/core.py:652);Parser.parse (webargs/core.py:395);"
    "Schema.load (marshmallow/schema.py:707) 3",
    "process 123:\"python bench/ceilings/insert_push.py --port 1\";"
    "_runner (granian/wsgi.py:57);submit (bench/ceilings/insert_push.py:39);"
    "execute (psycopg/cursor.py:100) 5",
    # the process frame names the ceiling's script: it is not a frame of its view
    "process 9:\"python bench/ceilings/insert_push.py --port 1\";"
    "_runner (granian/wsgi.py:57) 10",
    "",
])


def test_samples_go_to_the_first_stage_their_stack_names():
    stages = breakdown(RAW, requests=1)["stages_ms"]
    per_sample = 1000 / RATE_HZ
    # what no stage names, Granian's WSGI entry frame included, is the server and framework's
    assert FRAMEWORK == "server and framework (Granian, werkzeug, Flask, smorest)"
    assert stages == {
        FRAMEWORK: 50 * per_sample,
        "queue push (Celery, kombu, redis-py)": 30 * per_sample,
        # the limiter's own Redis call is the limiter's, not the queue's
        "rate limit (Flask-Limiter)": 10 * per_sample,
        # the ceiling's own INSERT counts with ours: one statement each
        "checks, comment and log row: one statement (psycopg)": 25 * per_sample,
        "render + sanitise (markdown-it, nh3)": 7 * per_sample,
        "validation (webargs, marshmallow, email-validator)": 3 * per_sample,
    }


def test_cpu_is_shared_out_over_the_requests_served():
    result = breakdown(RAW, requests=100)
    assert result["samples"] == 125
    assert result["cpu_ms_per_request"] == round(125 * 1000 / RATE_HZ / 100, 3)
