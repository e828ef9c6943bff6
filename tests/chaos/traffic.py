"""What a chaos test sends and watches: paced submissions from many readers, probes of
``/healthz`` and ``/readyz``, the broker's publications, and the decisions in the database."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import Message

import redis
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, StatusChange
from tests.chaos.servers import Procfile
from tests.conftest import comment_payload

THREAD = "2026/11/city-council-budget"  # comment_payload's
UNAVAILABLE = {"error": "unavailable", "message": "The service is temporarily unavailable."}
_addresses = itertools.count(1)


def reader_address() -> str:
    """A client address of its own for each request (the proxy's ``X-Forwarded-For``), so
    the per-address limits see many readers, not one."""
    number = next(_addresses)
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def request(method: str, url: str, payload: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict, Message]:
    """One request; returns the status, the JSON body (errors included) and the headers
    (looked up by name in any case, as HTTP names are: Granian sends them in lower case)."""
    data = json.dumps(payload).encode() if payload is not None else None
    sent = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "X-Forwarded-For": reader_address(),
        **(headers or {})})
    try:
        with urllib.request.urlopen(sent, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null"), error.headers


def post(base: str, body: str) -> tuple[int, dict, Message]:
    return request("POST", f"{base}/api/v1/comments", comment_payload(body=body))


def metric(procfile: Procfile, name: str) -> float:
    """A counter of ``/metrics``, summed over its labels and the web's processes."""
    sent = urllib.request.Request(f"{procfile.base}/metrics", headers={
        "Authorization": f"Bearer {procfile.METRICS_TOKEN}"})
    with urllib.request.urlopen(sent, timeout=15) as response:
        lines = response.read().decode().splitlines()
    return sum(float(line.split()[-1]) for line in lines
               if line.startswith((f"{name} ", f"{name}{{")))


class Stream:
    """``count`` submissions at ``rate`` a second, whatever the answers take (a client pool
    keeps the pace); each answer kept as (number, sent at, status, body, headers)."""

    def __init__(self, base: str, count: int, rate: float, clients: int = 16):
        self.base, self.count, self.rate = base, count, rate
        self.answers: list[tuple[int, float, int, dict, dict]] = []
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(clients)
        self.pacer = threading.Thread(target=self._pace, daemon=True)

    def _pace(self) -> None:
        started = time.monotonic()
        for number in range(self.count):
            time.sleep(max(0.0, started + number / self.rate - time.monotonic()))
            self.pool.submit(self._post, number)

    def _post(self, number: int) -> None:
        sent = time.time()
        try:
            status, body, headers = self._send(number)
        except OSError:  # no answer at all: refused, reset or timed out
            status, body, headers = 0, {}, {}
        with self.lock:
            self.answers.append((number, sent, status, body, headers))

    def _send(self, number: int) -> tuple[int, dict, dict]:
        return post(self.base, f"Submission {number} under a fault.")

    def answered(self) -> int:
        with self.lock:
            return len(self.answers)

    def statuses(self) -> dict[int, int]:
        return dict(Counter(status for _, _, status, _, _ in self.answers))

    def accepted(self) -> list[str]:
        return [body["id"] for _, _, status, body, _ in self.answers if status == 202]

    def __enter__(self) -> Stream:
        self.pacer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.pacer.join()
        self.pool.shutdown(wait=True)


class MixedStream(Stream):
    """Readers and writers: of every ``reads + 1`` requests one is a submission, the others
    read the thread's list, its count, or the latest accepted comment as its author sees it."""

    def __init__(self, base: str, count: int, rate: float, reads: int = 9, clients: int = 16):
        super().__init__(base, count, rate, clients)
        self.reads = reads
        self.latest: dict | None = None

    def _send(self, number: int) -> tuple[int, dict, dict]:
        turn = number % (self.reads + 1)
        if turn == 0:
            answer = super()._send(number)
            if answer[0] == 202:
                self.latest = answer[1]
            return answer
        own = self.latest
        if turn % 3 == 0 and own is not None:
            return request("GET", f"{self.base}/api/v1/comments/{own['id']}",
                           headers={"X-Author-Token": own["author_token"]})
        route = "comments" if turn % 3 == 1 else "counts"
        return request("GET", f"{self.base}/api/v1/{route}?site=news&thread={THREAD}")


class Poller:
    """A daemon thread calling ``poll_once`` every ``interval`` s while in its ``with``."""

    def __init__(self, interval: float):
        self.interval = interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self.stopping.is_set():
            self.poll_once()
            self.stopping.wait(self.interval)

    def poll_once(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopping.set()
        self.thread.join(timeout=20)


class PendingAges(Poller):
    """The age in seconds of the oldest pending comment, sampled every ``interval`` s as
    (sampled at, age): 0 with none pending, None while the database does not answer."""

    def __init__(self, app: Flask, interval: float = 1.0):
        super().__init__(interval)
        self.app = app
        self.samples: list[tuple[float, float | None]] = []

    def poll_once(self) -> None:
        at = time.time()
        with self.app.app_context():
            try:
                oldest = db.session.scalar(select(func.min(Comment.created_at))
                                           .where(Comment.status == Status.PENDING))
                age = max(0.0, at - oldest.timestamp()) if oldest else 0.0
            except SQLAlchemyError:
                age = None
            finally:
                db.session.rollback()
        self.samples.append((at, age))


class Probe(Poller):
    """Polls ``/healthz`` and ``/readyz`` every ``interval`` s: (asked at, path, status,
    seconds to answer)."""

    def __init__(self, base: str, interval: float = 0.1):
        super().__init__(interval)
        self.base = base
        self.answers: list[tuple[float, str, int, float]] = []

    def poll_once(self) -> None:
        for path in ("/healthz", "/readyz"):
            asked = time.time()
            try:
                status = request("GET", self.base + path)[0]
            except OSError:  # no answer at all: refused, reset or timed out
                status = 0
            self.answers.append((asked, path, status, time.time() - asked))


class BrokerTap:
    """Every comment id published to the ``celery`` queue, read from Redis ``MONITOR``: what
    the relays actually sent, however many of them ran or died."""

    def __init__(self, redis_url: str):
        self.client = redis.Redis.from_url(redis_url)
        self.monitor = self.client.monitor()
        self.published: Counter[int] = Counter()
        self.messages = 0
        self.thread = threading.Thread(target=self._listen, daemon=True)

    def _listen(self) -> None:
        try:
            for command in self.monitor.listen():
                if command["command"].startswith("LPUSH celery "):
                    message = json.loads(command["command"].removeprefix("LPUSH celery "))
                    if message["headers"]["task"] == "workers.tasks.score_comments":
                        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                        self.published.update(args[0])
                        self.messages += 1
        except (redis.ConnectionError, OSError, ValueError):
            pass  # closed by __exit__

    def __enter__(self) -> BrokerTap:
        self.monitor.__enter__()
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        time.sleep(0.5)  # the last commands still on their way
        self.monitor.connection.disconnect()
        self.thread.join(timeout=5)
        self.client.close()


def decisions(app: Flask, public_ids: list[str]) -> dict[str, list[float]]:
    """Each comment's decisions out of pending, as Unix times, by public id."""
    with app.app_context():
        rows = db.session.execute(
            select(Comment.public_id, StatusChange.created_at)
            .join(StatusChange, StatusChange.comment_id == Comment.id)
            .where(Comment.public_id.in_(public_ids),
                   StatusChange.from_status == Status.PENDING.value)).all()
        db.session.rollback()
    made: dict[str, list[float]] = {public_id: [] for public_id in public_ids}
    for public_id, at in rows:
        made[public_id].append(at.timestamp())
    return made


def comment_ids(app: Flask, public_ids: list[str]) -> dict[str, int]:
    """The database ids (what crosses the broker) of the given public ids."""
    with app.app_context():
        rows = db.session.execute(select(Comment.public_id, Comment.id)
                                  .where(Comment.public_id.in_(public_ids))).all()
        db.session.rollback()
    return dict(rows)


def all_decided(app: Flask, public_ids: list[str]) -> bool:
    return all(decisions(app, public_ids).values())
