"""The site's own word lists: blocked words reject a comment, held words hold it.

Matching is on normalised text (NFKC, case-folded, zero-width characters
removed) so full-width letters or a zero-width space inside a word cannot slip past the list.
"""

from __future__ import annotations

import re
import unicodedata

from ...lifecycle import Status
from ...orm import Comment, Site
from .base import CheckResult

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def normalise(text: str) -> str:
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text)).casefold()


def matches(text: str, words: list[str]) -> list[str]:
    """The list entries found in ``text`` as whole words or phrases."""
    found = []
    for word in words:
        entry = normalise(word).strip()
        if entry and re.search(rf"(?<!\w){re.escape(entry)}(?!\w)", text):
            found.append(word)
    return found


class WordLists:
    name = "word_lists"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        text = normalise(f"{comment.author_name}\n{comment.body}")
        blocked = matches(text, site.blocked_words or [])
        if blocked:
            return CheckResult(Status.REJECTED, [{"check": self.name, "list": "blocked",
                                                  "terms": blocked}])
        held = matches(text, site.held_words or [])
        if held:
            return CheckResult(Status.HELD, [{"check": self.name, "list": "held", "terms": held}])
        return CheckResult()
