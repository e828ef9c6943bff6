"""The sustained-rate search of ``make bench``: which arrival rate was kept up with, which next."""

from __future__ import annotations

from collections.abc import Callable


def kept_up(row: dict) -> bool:
    """An arrival rate is kept up with when every POST got its 202 on time and was stored,
    the backlog neither grew nor piled up, and 99 % of the comments were decided within a
    second."""
    rate = row["rate"]
    return (row["non_202"] == 0 and row["lost"] == 0 and row["achieved_per_s"] >= 0.97 * rate
            and row["backlog_slope_per_s"] < 0.02 * rate and row["backlog_max"] < rate
            and row["decision_p99_ms"] < 1000)


def next_rate(rate: int, kept_up: bool, passed: list[int], failed: list[int]) -> int | None:
    """The next arrival rate to try, in steps of 25/s; None once no untried rate lies
    between the best one kept up with and the worst one not."""
    if passed and failed:
        middle = round((max(passed) + min(failed)) / 2 / 25) * 25
        return middle if max(passed) < middle < min(failed) else None
    step = max(25, round(rate * 0.25 / 25) * 25)
    return rate + step if kept_up else max(25, rate - step)


def search(start: int, budget: int, keeps_up: Callable[[int], bool]) -> int:
    """The highest rate ``keeps_up`` says was kept up with (0 if none), from ``start`` on.

    ``budget`` trials at most, unless none has been kept up with yet: then up to twice that,
    so a search that started too high still ends on a rate kept up with rather than on
    none, which would say nothing of what the system can do."""
    rate: int | None = start
    passed: list[int] = []
    failed: list[int] = []
    while rate is not None and (len(passed) + len(failed) < budget
                                or (not passed and len(failed) < 2 * budget)):
        ok = keeps_up(rate)
        (passed if ok else failed).append(rate)
        rate = next_rate(rate, ok, passed, failed)
    return max(passed, default=0)
