"""Servers a chaos test owns, on spare local ports, so it may kill and restart them at will.

Each is a real ``redis-server``, PostgreSQL instance or process of the Procfile
(Granian web, relay, prefork Celery worker), started in its own process group
and always stopped; nothing is shared with the developer's services or with
other test runs.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import redis
from celery import Celery
from flask import Flask
from kombu.exceptions import OperationalError as BrokerError

from moderation.outbox.relay import HEARTBEAT
from tests.integration_fixtures import REPO, closed_port, wait_for, worker_environment

POSTGRES_BIN = Path(os.environ.get("TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


class MissingServer(RuntimeError):
    """The binary a chaos test needs is not installed."""


def _stop_group(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Signal a process started with ``start_new_session`` and its children; wait for it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """``redis-server`` on a port of its own; ``stop``/``start`` keep the port. Without
    persistence a restart comes back empty (queued messages gone); with ``persist`` every
    write is in the append-only file first, so a killed server comes back with its data."""

    def __init__(self, folder: Path, persist: bool = False):
        binary = shutil.which("redis-server")
        if binary is None:
            raise MissingServer("redis-server is not installed")
        self.binary, self.folder, self.port = binary, folder, closed_port()
        self.persistence = (["--appendonly", "yes", "--appendfsync", "always"] if persist
                            else ["--appendonly", "no"])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *self.persistence, "--daemonize", "no", "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for(self.ping, timeout=15, interval=0.05)

    def ping(self) -> bool:
        try:
            with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None:
            _stop_group(self.process, sig)
            self.process = None


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb in a temporary folder), trust auth, no fsync.

    As root the binaries run as the ``postgres`` user, as PostgreSQL requires.
    ``stop()`` is an immediate shutdown: connections are cut, as in a crash.
    """

    DATABASE = "moderation"

    def __init__(self):
        if not (POSTGRES_BIN / "pg_ctl").exists():
            raise MissingServer(f"PostgreSQL binaries not found in {POSTGRES_BIN}")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="moderation-chaos-pg-"))
        self.data = self.folder / "data"
        self.port = closed_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.DATABASE}"
        if self.run_as:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")

    def _run(self, binary: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.run_as, str(POSTGRES_BIN / binary), *args], check=check,
                              capture_output=True, timeout=60, cwd=self.folder)

    def start(self) -> None:
        # fsync=off is safe here (the OS does not crash); synchronous_commit stays on, or an
        # immediate stop would lose commits the app was told had succeeded.
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c max_connections=60")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                  "-l", str(self.folder / "postgres.log"), "-o", options)
        with self.connect() as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                   (self.DATABASE,)).fetchone()
            if not exists:
                admin.execute(f"CREATE DATABASE {self.DATABASE}")

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                               dbname=dbname, autocommit=True, connect_timeout=3)

    def accepts_connections(self) -> bool:
        try:
            self.connect().close()
            return True
        except psycopg.OperationalError:
            return False

    def ensure_running(self) -> None:
        if not self.accepts_connections():
            self.start()

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.data), "-m", mode,
                  check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class ProcfileProcess:
    """One process of the Procfile, in a process group of its own, its output in
    ``<name>.log``. ``kill()`` is SIGKILL to the whole group (the web server's or the prefork pool's
    children with it): a machine losing the process mid-work, nothing acknowledged or flushed."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], folder: Path):
        self.name, self.command = name, command
        self.env = {**env, "MODERATION_INSTANCE_PATH": str(folder / f"{name}-instance")}
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        self.started_at = time.time()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.process is not None:
            _stop_group(self.process, signal.SIGKILL)
            self.process = None


class PreforkWorker(ProcfileProcess):
    """``celery -A workers.app worker`` with the prefork pool, as production runs it."""

    def __init__(self, env: dict[str, str], folder: Path, concurrency: int = 2):
        super().__init__("worker", [
            sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--pool=prefork",
            f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel=INFO"], env, folder)

    def ready(self) -> bool:
        """Consuming: it answers ``inspect ping`` (compose's healthcheck of the worker)."""
        if not self.running():
            return False
        try:
            with Celery(set_as_current=False, broker=self.env["CELERY_BROKER_URL"]) as client:
                return bool(client.control.ping(timeout=1.0))
        except (BrokerError, redis.RedisError, OSError):
            return False


class Procfile:
    """The Procfile's web (``moderation serve``, Granian), relays (``moderation relay``) and
    worker, each its own process on the test's PostgreSQL and Redis, as ``make prod`` runs
    them. Rate limits count in that Redis, as in production; clients give their address in
    ``X-Forwarded-For`` (``TRUST_PROXY_HOPS=1``, a proxy in front), so many readers can post.
    Beat (the sweeper) is left out: the relay alone must hand every comment on."""

    METRICS_TOKEN = "chaos-metrics-token"

    def __init__(self, app: Flask, redis_url: str, folder: Path):
        self.folder, self.port = folder, closed_port()
        self.base = f"http://127.0.0.1:{self.port}"
        metrics = folder / "metrics"
        metrics.mkdir(exist_ok=True)
        self.env = {**worker_environment(app, redis_url, folder), "REDIS_URL": redis_url,
                    "RATE_LIMITS_ENABLED": "true", "TRUST_PROXY_HOPS": "1",
                    "METRICS_TOKEN": self.METRICS_TOKEN,
                    "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        self.web = ProcfileProcess("web", [
            sys.executable, "-m", "moderation", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", "2"], self.env, folder)
        self.worker = PreforkWorker(self.env, folder)
        self.relays: list[ProcfileProcess] = []

    def relay(self) -> ProcfileProcess:
        """A further ``moderation relay`` (not started): several may run at once."""
        process = ProcfileProcess(f"relay-{len(self.relays) + 1}",
                                  [sys.executable, "-m", "moderation", "relay"],
                                  self.env, self.folder)
        self.relays.append(process)
        return process

    def start(self, relays: int = 1) -> None:
        """Web, ``relays`` relays and the worker, waited for until each is serving."""
        self.web.start()
        for _ in range(relays):
            self.relay().start()
        self.worker.start()
        wait_for(self.web_ready, timeout=90, interval=0.2)
        for relay in self.relays:
            wait_for(lambda relay=relay: relay_passed(relay), timeout=90, interval=0.2)
        wait_for(self.worker.ready, timeout=90, interval=0.2)

    def web_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def kill(self) -> None:
        """The end of a test: nothing of theirs is looked at any more, so no graceful stop
        (a prefork worker's takes seconds)."""
        for process in [self.web, self.worker, *self.relays]:
            process.kill()


def relay_passed(relay: ProcfileProcess) -> bool:
    """The relay made a pass since it started: it touches its heartbeat after each."""
    heartbeat = Path(relay.env["MODERATION_INSTANCE_PATH"], HEARTBEAT)
    return (relay.running() and heartbeat.exists()
            and heartbeat.stat().st_mtime >= relay.started_at)
