"""Servers a chaos test owns, on spare local ports, so it may kill and restart them at will.

Each is a real ``redis-server``, PostgreSQL instance or prefork Celery worker,
started in its own process group and always stopped; nothing is shared with
the developer's services or with other test runs.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import redis
from flask import Flask

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
    """``redis-server`` without persistence on a port of its own; ``stop``/``start`` keep it."""

    def __init__(self, folder: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            raise MissingServer("redis-server is not installed")
        self.binary, self.folder, self.port = binary, folder, closed_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
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


class PreforkWorker:
    """``celery -A workers.app worker`` with the prefork pool, as production runs it.

    It leads its own process group, so ``kill()`` takes the pool children with
    it: SIGKILL to the group is a machine losing the worker mid-task.
    """

    def __init__(self, app: Flask, broker_url: str, folder: Path, concurrency: int = 2):
        self.command = [sys.executable, "-m", "celery", "-A", "workers.app", "worker",
                        "--pool=prefork", f"--concurrency={concurrency}", "--without-gossip",
                        "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
        self.env = worker_environment(app, broker_url, folder / "worker-instance")
        self.log_path = folder / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, no message acknowledged or requeued."""
        if self.process is not None:
            _stop_group(self.process, signal.SIGKILL)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process, signal.SIGTERM, timeout=20)
            self.process = None
