"""Serve a ceiling app with ``moderation serve``'s gunicorn settings (same workers, threads)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script: the repository root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from moderation.platform.serving import gunicorn_options, run_wsgi


def serve(app, **extra) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    run_wsgi(app, {**gunicorn_options(host="127.0.0.1", port=args.port, workers=args.workers,
                                      threads=args.threads), **extra})
