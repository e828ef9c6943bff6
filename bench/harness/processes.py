"""Start and stop the production topology (the Procfile's commands) and the ceiling apps."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def procfile() -> dict[str, str]:
    """``name: command`` lines of the Procfile, exactly what ``make prod`` runs under honcho."""
    entries = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


class Process:
    """One command in its own process group, logging to a file; stopped by SIGTERM, then KILL."""

    def __init__(self, name: str, command: list[str] | str, env: dict, log: Path):
        self.name, self.log = name, log
        argv = ["bash", "-c", f"exec {command}"] if isinstance(command, str) else command
        with log.open("ab") as out:
            self.popen = subprocess.Popen(argv, env=env, cwd=REPO, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 30) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait()


def environment(base: dict, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE", "REDIS", "CELERY", "PROMETHEUS"))}
    env.update(base)
    env.update(extra)
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    return env


def start_procfile_entry(name: str, env: dict, logs: Path, port: int, *extra: str) -> Process:
    """The Procfile's ``name`` command, with ``extra`` arguments appended (the last of a
    repeated option wins, e.g. Celery's ``--concurrency``)."""
    command = " ".join([procfile()[name].replace("$PORT", str(port)), *map(shlex.quote, extra)])
    return Process(name, command, {**env, "PORT": str(port)}, logs / f"{name}.log")


def start_ceiling(module: str, env: dict, logs: Path, port: int, workers: int,
                  threads: int) -> Process:
    """A ceiling app under the same server settings (Granian) as ``moderation serve``."""
    command = [str(BIN / "python"), str(REPO / "bench" / "ceilings" / f"{module}.py"),
               "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    return Process(module, command, env, logs / f"{module}.log")


def wait_http(url: str, expect: int = 200, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == expect:
                    return
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == expect:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not answering {expect} within {timeout} s")


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc; no psutil needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def cpu_ns(pids) -> int:
    """CPU time the kernel charged ``pids`` so far (from /proc schedstat), any already gone
    left out."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return total


def cpu_ticks(pid: int) -> int:
    """User and system CPU of a whole process, all its threads, in clock ticks (/proc stat;
    ``cpu_ns``'s schedstat is the main thread's alone, which misses a server's request
    threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise ValueError(f"no VmRSS for {pid}")


def worker_rss(main_pid: int) -> dict:
    """RSS of each child of a pre-forking master (the web server or Celery), and of the master
    (a process without children, such as Celery beat, has none)."""
    kids = children(main_pid)
    return {"master_mib": rss_mib(main_pid), "children_mib": [rss_mib(pid) for pid in kids]}


def quote(command: list[str]) -> str:
    return " ".join(shlex.quote(str(part)) for part in command)
