"""The scoring checks, run in order; adding a check is one module and one entry below."""

from __future__ import annotations

from .banned import BannedAuthor
from .base import Check, CheckResult, Outcome, decide, prepare, without_quotes
from .honeypot import Honeypot
from .links import LinkCount
from .model_scores import ModelScores
from .premoderation import Premoderation
from .word_lists import WordLists

DEFAULT_CHECKS: tuple[Check, ...] = (
    Honeypot(), BannedAuthor(), WordLists(), LinkCount(), ModelScores(), Premoderation(),
)

__all__ = ["DEFAULT_CHECKS", "Check", "CheckResult", "Outcome", "decide", "prepare",
           "without_quotes"]
