"""Isso 0.14, the nearest peer: installed in a virtualenv of its own, configured, served and
seeded as its documentation prescribes (``gunicorn -w N --preload isso.run``, SQLite).

Its pins (Werkzeug, Jinja2, misaka) are not ours, so it never shares our virtualenv; the
virtualenv lives in ``.bench-venvs/isso`` (ignored by git) and is reused while the
requirement it was built for stays the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from bench.harness.processes import REPO, Process, environment

VENV = REPO / ".bench-venvs" / "isso"
# the gunicorn release our web served with before it moved to Granian (issue #16)
REQUIREMENTS = ("isso==0.14.*", "gunicorn==27.0.1")


def install(venv: Path = VENV) -> Path:
    """The virtualenv's gunicorn, after creating the virtualenv if it is missing or was
    built for other requirements."""
    stamp = venv / ".requirements"
    if stamp.exists() and stamp.read_text() == "\n".join(REQUIREMENTS):
        return venv / "bin" / "gunicorn"
    print(f"installing {' '.join(REQUIREMENTS)} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                    *REQUIREMENTS], check=True)
    stamp.write_text("\n".join(REQUIREMENTS))
    return venv / "bin" / "gunicorn"


def installed_version(venv: Path = VENV) -> str:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "from importlib.metadata import version; print(version('isso'))"],
        capture_output=True, text=True, check=True).stdout.strip()


def settings(folder: Path, port: int, origin: str) -> Path:
    """Isso's config file: SQLite in the bench's folder, the bench's origin as the one website
    (CORS answers it, new threads belong to it), moderation off, and the guard (Isso's
    per-address rate limit, 2 comments a minute) off, as our rate limit is set out of reach."""
    path = folder / "isso.cfg"
    path.write_text(f"""[general]
dbpath = {folder / "isso.db"}
host = {origin}

[moderation]
enabled = false

[guard]
enabled = false

[server]
listen = http://127.0.0.1:{port}
""")
    return path


def start(gunicorn: Path, config: Path, logs: Path, port: int, workers: int) -> Process:
    """Served by gunicorn's default sync workers (one request at a time, each connection
    closed after its response), with the app loaded once before fork, as Isso's docs say."""
    command = [str(gunicorn), "-w", str(workers), "--preload", "--no-control-socket",
               "-b", f"127.0.0.1:{port}", "isso.run"]
    return Process("isso", command, environment({"ISSO_SETTINGS": str(config)}),
                   logs / "isso.log")


def post(base: str, uri: str, comment: dict, origin: str) -> dict:
    """One comment through Isso's own API (``POST /new?uri=``), as its widget sends it."""
    request = urllib.request.Request(
        f"{base}/new?uri={uri}", data=json.dumps(comment).encode(),
        headers={"Content-Type": "application/json", "Origin": origin})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 201:
            raise RuntimeError(f"Isso answered {response.status} to a new comment")
        return json.load(response)


def thread_size(base: str, uri: str) -> int:
    """Comments Isso shows on ``uri``, from the same read the bench loads."""
    with urllib.request.urlopen(f"{base}/?uri={uri}", timeout=10) as response:
        return json.load(response)["total_replies"]
