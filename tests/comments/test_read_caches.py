"""The web process's memory of thread versions: bounded in time, forgotten on a local republish,
and never keeping an answer read while it was being forgotten."""

from __future__ import annotations

import pytest

from moderation.comments.read_caches import Pages, ThreadVersions


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def counting(answers: list):
    """A reader that answers from ``answers`` in turn and counts its calls."""
    calls = []

    def read():
        calls.append(None)
        return answers[len(calls) - 1]

    return read, calls


def test_an_answer_is_remembered_for_the_configured_time_and_no_longer(clock):
    versions = ThreadVersions(1.0, timer=clock)
    read, calls = counting(["v1", "v2"])
    assert versions.get(("news", "a"), read) == "v1"
    clock.now = 0.99
    assert versions.get(("news", "a"), read) == "v1"
    clock.now = 1.01
    assert versions.get(("news", "a"), read) == "v2"
    assert len(calls) == 2


def test_an_absent_thread_is_remembered_too(clock):
    versions = ThreadVersions(1.0, timer=clock)
    read, calls = counting([None, "v1"])
    assert versions.get(("news", "new"), read) is None
    assert versions.get(("news", "new"), read) is None
    assert len(calls) == 1


def test_forget_all_makes_the_next_read_ask_again(clock):
    versions = ThreadVersions(60.0, timer=clock)
    read, calls = counting(["v1", "v2"])
    versions.get(("news", "a"), read)
    versions.forget_all()
    assert versions.get(("news", "a"), read) == "v2"
    assert len(calls) == 2


def test_an_answer_read_while_forgetting_is_not_kept(clock):
    """A reader that saw the old version before a republish committed must not store it after
    the republish was forgotten, or it would outlive the republish."""
    versions = ThreadVersions(60.0, timer=clock)

    def read_during_republish():
        versions.forget_all()  # another thread's commit lands mid-read
        return "old"

    assert versions.get(("news", "a"), read_during_republish) == "old"
    read, calls = counting(["new"])
    assert versions.get(("news", "a"), read) == "new"
    assert len(calls) == 1


def test_zero_seconds_asks_every_time():
    versions = ThreadVersions(0)
    read, _ = counting(["v1", "v2"])
    assert [versions.get(("news", "a"), read) for _ in range(2)] == ["v1", "v2"]
    versions.forget_all()  # nothing to forget, no error


def test_pages_evict_the_least_recently_used_beyond_their_byte_budget():
    pages = Pages(capacity=10)
    pages.get("a", lambda: b"aaaa")
    pages.get("b", lambda: b"bbbb")
    pages.get("a", lambda: b"never")  # a is now the most recent
    pages.get("c", lambda: b"cccc")  # 12 bytes: b goes
    assert pages.get("a", lambda: b"new a") == b"aaaa"
    assert pages.get("b", lambda: b"new b") == b"new b"


def test_a_page_larger_than_the_budget_is_served_but_not_kept():
    pages = Pages(capacity=4)
    assert pages.get("big", lambda: b"0123456789") == b"0123456789"
    assert pages.get("big", lambda: b"again") == b"again"
