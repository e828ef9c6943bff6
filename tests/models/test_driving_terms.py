"""Moderators see the words of the comment that drove a score: no stop words, no faint ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models import artifacts, driving_terms
from models.scoring import Scorer


def test_terms_are_shown_as_written_in_the_comment() -> None:
    assert driving_terms.pick(["idiot", "stupid"], "You IDIOT, $tupid!") == ("IDIOT", "$tupid")
    assert driving_terms.pick(["_url_"], "see http://x.example/win now") == ("http://x.example/win",)


def test_stop_words_and_words_not_in_the_comment_are_never_shown() -> None:
    assert driving_terms.pick(["you", "are", "idiot", "banana"], "you are an idiot") == ("idiot",)


def test_at_most_five_terms_without_repeats() -> None:
    words = ["idiot", "Idiot", "fool", "clown", "loser", "moron", "jerk"]
    text = "idiot Idiot fool clown loser moron jerk"
    assert driving_terms.pick(words, text) == ("idiot", "fool", "clown", "loser", "moron")


@pytest.fixture
def load(trained_dir: Path):
    return lambda: Scorer([artifacts.load("spam", trained_dir),
                           artifacts.load("toxicity", trained_dir)])


TEXTS = ["You are an idiot and a fool, shut up!!", "please subscribe to my channel www.x.com",
         "what a lovely song, the chorus is wonderful", "Win a FREE prize, you stupid clown"]


def test_every_term_is_a_word_of_its_comment_and_no_stop_word(load) -> None:
    for text, score in zip(TEXTS, load().score(TEXTS), strict=True):
        for term in (*score["spam"].terms, *score["toxicity"].terms):
            assert re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text), (term, text)
            assert not driving_terms.is_stop_word(term)
        assert len(score["spam"].terms) <= 5 and len(score["toxicity"].terms) <= 5


def test_terms_with_negligible_credit_are_left_out(
        load, monkeypatch: pytest.MonkeyPatch) -> None:
    assert any(score["toxicity"].terms for score in load().score(TEXTS))
    monkeypatch.setattr(driving_terms, "MIN_CREDIT", 1e6)
    assert not any(model.terms for score in load().score(TEXTS) for model in score.values())
