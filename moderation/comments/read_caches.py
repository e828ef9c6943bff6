"""What a web process remembers between public reads, so a popular thread costs no query.

- Thread versions, for ``PUBLISHED_CACHE_SECONDS`` (1 s by default): another process's
  decision reaches this process's readers at most that late. A republish committed in this
  process forgets them all at once (a moderator sees their own action at once).
- Rendered pages, by ETag: the ETag names the list version, so a cached page is never stale.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from cachetools import TTLCache

Value = TypeVar("Value")
_MISSING = object()


class ThreadVersions:
    """Time-bounded memory of ``published_thread`` answers (absent threads included)."""

    def __init__(self, seconds: float, max_threads: int = 50_000,
                 timer: Callable[[], float] = time.monotonic):
        self.entries = TTLCache(max_threads, seconds, timer) if seconds > 0 else None
        self.generation = 0  # bumped by forget_all: a read that overlapped it is not kept
        self.lock = threading.Lock()

    def get(self, key: tuple, read: Callable[[], Value]) -> Value:
        if self.entries is None:
            return read()
        with self.lock:
            value = self.entries.get(key, _MISSING)
            generation = self.generation
        if value is not _MISSING:
            return value
        value = read()
        with self.lock:
            if generation == self.generation:
                self.entries[key] = value
        return value

    def forget_all(self) -> None:
        if self.entries is not None:
            with self.lock:
                self.entries.clear()
                self.generation += 1


class Pages:
    """Least recently used, bounded by bytes; shared by a worker's threads."""

    def __init__(self, capacity: int):
        self.capacity, self.size = capacity, 0
        self.pages: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], bytes]) -> bytes:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
                return page
        page = render()
        with self.lock:
            if key not in self.pages and len(page) <= self.capacity:
                self.pages[key] = page
                self.size += len(page)
                while self.size > self.capacity:
                    self.size -= len(self.pages.popitem(last=False)[1])
        return page
