"""Serve a ceiling app with ``moderation serve``'s server settings (same workers, threads)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script: the repository root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from moderation.platform.serving import run_wsgi, server_options


def serve(app) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    run_wsgi(app, server_options(host="127.0.0.1", port=args.port, workers=args.workers,
                                 threads=args.threads))
