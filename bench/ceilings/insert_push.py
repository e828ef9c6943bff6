"""Ceiling for submissions: a minimal Flask app that inserts a row with psycopg and pushes one
Redis message per POST, then answers 202, the least a durable, queued submission can cost.

One psycopg connection per server thread (opened after fork), one Redis pool per worker.
"""

from __future__ import annotations

import json
import os
import secrets
import threading

import psycopg
import redis
from common import serve
from flask import Flask, request

DATABASE_URL = os.environ["DATABASE_URL"]
QUEUE_KEY = "bench:ceiling"  # not Celery's queue: the worker must not see these
TABLE = """CREATE TABLE IF NOT EXISTS ceiling_comments (
    id bigserial PRIMARY KEY, public_id varchar(32) NOT NULL, site_id varchar(64) NOT NULL,
    thread varchar(512) NOT NULL, author_name varchar(80) NOT NULL,
    author_email varchar(320) NOT NULL, body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())"""

app = Flask(__name__)
local = threading.local()
queue: redis.Redis | None = None


def connection() -> psycopg.Connection:
    if getattr(local, "connection", None) is None:
        local.connection = psycopg.connect(DATABASE_URL)
    return local.connection


@app.post("/api/v1/comments")
def submit():
    global queue
    data = request.get_json()
    public_id = secrets.token_urlsafe(12)
    with connection().transaction():
        comment_id = connection().execute(
            "INSERT INTO ceiling_comments (public_id, site_id, thread, author_name, "
            "author_email, body) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (public_id, data["site"], data["thread"], data["author_name"],
             data["author_email"], data["body"])).fetchone()[0]
    if queue is None:
        queue = redis.Redis.from_url(os.environ["REDIS_URL"])
    queue.lpush(QUEUE_KEY, json.dumps({"id": comment_id}))
    return {"id": public_id, "status": "pending"}, 202


if __name__ == "__main__":
    with psycopg.connect(DATABASE_URL, autocommit=True) as setup:
        setup.execute(TABLE)
    serve(app)
