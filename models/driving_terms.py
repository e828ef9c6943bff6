"""Pick the driving terms a moderator sees: words of the comment as written, that moved the score.

The models credit words of the *normalised* text ("1d10t" becomes "idiot", a link
becomes a token), but a moderator reads the comment itself, and the review page
marks each term where it occurs. So a candidate is shown as the word of the
comment it came from, and only when it carries weight: never a stop word
("the", "you"), never a word whose credit is negligible, at most ``MAX_TERMS``.
A candidate no word of the comment normalises to is dropped, never guessed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .normalise import normalise

MAX_TERMS = 5
MIN_CREDIT = 0.1  # log-odds of the calibrated probability a term must add to be shown
EDGE_PUNCTUATION = ".,;:!?\"'()[]{}<>*"


def strip_edges(word: str) -> str:
    return word.strip(EDGE_PUNCTUATION) or word


def is_stop_word(term: str) -> bool:
    return term.lower() in ENGLISH_STOP_WORDS


def pick(candidates: Iterable[str], text: str) -> tuple[str, ...]:
    """Up to MAX_TERMS of ``candidates`` (normalised words, strongest first, each already
    above MIN_CREDIT) as written in ``text``, without stop words or repeats."""
    words = [strip_edges(word) for word in text.split()]
    lowered = {word.lower(): word for word in reversed(words)}  # the first occurrence wins
    normalised: dict[str, str] | None = None
    chosen: list[str] = []
    for candidate in map(strip_edges, candidates):
        if is_stop_word(candidate):
            continue
        term = lowered.get(candidate)
        if term is None:  # folded or tokenised by the normaliser: find the word it came from
            normalised = normalised if normalised is not None else as_written(words)
            term = normalised.get(candidate)
        if term and term not in chosen:
            chosen.append(term)
            if len(chosen) == MAX_TERMS:
                break
    return tuple(chosen)


def as_written(words: Iterable[str]) -> dict[str, str]:
    """Each normalised word of ``words`` mapped to the word it came from (the first).

    Plain ASCII words are skipped: they normalise to themselves in lower case, which
    :func:`pick` looked up already, and normalising every word of every comment would
    cost more than scoring it.
    """
    found: dict[str, str] = {}
    for word in words:
        if not (word.isascii() and word.isalpha()):
            for piece in _normalised_word(word):
                found.setdefault(piece, word)
    return found


@functools.lru_cache(maxsize=2**16)
def _normalised_word(word: str) -> tuple[str, ...]:
    return tuple(strip_edges(piece) for piece in normalise(word).split())
