"""Ceiling for reads: a bare Flask app answering the thread GET with the same JSON document.

The document (our real 50-comment page, read once by the benchmark) is loaded at start and
serialised per request, as any JSON API must; no database, no schema, no hooks.
"""

from __future__ import annotations

import json
import os

from common import serve
from flask import Flask, jsonify

app = Flask(__name__)
with open(os.environ["BENCH_READ_PAYLOAD"]) as payload_file:
    PAYLOAD = json.load(payload_file)


@app.get("/api/v1/comments")
def thread_page():
    return jsonify(PAYLOAD)


if __name__ == "__main__":
    serve(app)
