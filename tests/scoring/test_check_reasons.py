"""Each check's reason carries its parameters, so the review page words it from its catalog
(``reason.<check>[.<rule or list>]``) in the moderator's language; ``detail`` stays, in English,
for the API's existing readers and the audit log."""

from __future__ import annotations

import re

import pytest

from models.scoring import ModelScore
from moderation.scoring import MAX_SCORING_FAILURES, SCORING_ERROR
from moderation.scoring.checks.banned import BannedAuthor
from moderation.scoring.checks.honeypot import Honeypot
from moderation.scoring.checks.links import LinkCount
from moderation.scoring.checks.model_scores import result
from moderation.scoring.checks.premoderation import Premoderation
from moderation.scoring.checks.word_lists import WordLists
from moderation.web.review_catalogs import catalogs
from tests.scoring.test_checks import make_comment, make_site

LIMITS = {"spam": {"hold": 0.5, "auto_spam": 0.9}, "toxicity": {"hold": 0.39, "auto_reject": 1.0}}
SCORES = {"spam": ModelScore(0.12, (), "s1"), "toxicity": ModelScore(0.8312, ("idiot",), "t1")}
LINKS = "see https://a.example and http://b.example and www.c.example"


def reasons_of_every_check() -> dict[str, tuple[list[dict], list[dict]]]:
    """Each check's reasons on a comment it acts on, and what they must carry."""
    lists = make_site(blocked_words=["scam"], held_words=["lawsuit"])
    return {
        "honeypot": (Honeypot().run(make_comment(honeypot_filled=True), make_site()).reasons,
                     [{"check": "honeypot", "detail": "honeypot filled"}]),
        "banned_author": (BannedAuthor().verdict(banned=True).reasons,
                          [{"check": "banned_author", "detail": "author banned"}]),
        "word_lists.blocked": (WordLists().run(make_comment("A scam."), lists).reasons,
                               [{"check": "word_lists", "list": "blocked", "terms": ["scam"]}]),
        "word_lists.held": (WordLists().run(make_comment("A lawsuit."), lists).reasons,
                            [{"check": "word_lists", "list": "held", "terms": ["lawsuit"]}]),
        "links": (LinkCount().run(make_comment(LINKS), make_site(max_links=2)).reasons,
                  [{"check": "links", "count": 3, "allowed": 2,
                    "detail": "3 links (site allows 2)"}]),
        "models": (result(SCORES, make_site(), LIMITS).reasons, [
            {"check": "models", "model": "spam", "score": 0.12, "terms": [], "rule": None,
             "detail": "spam 0.12"},
            {"check": "models", "model": "toxicity", "score": 0.8312, "terms": ["idiot"],
             "rule": "hold", "threshold": 0.39, "detail": "toxicity 0.83 (hold at 0.39)"}]),
        "premoderation": (Premoderation().run(make_comment(), make_site(premoderate=True)).reasons,
                          [{"check": "premoderation", "rule": "premoderated",
                            "detail": "site pre-moderates"}]),
    }


REASONS = reasons_of_every_check()


@pytest.mark.parametrize("case", sorted(REASONS))
def test_each_checks_reason_carries_its_parameters(case):
    given, expected = REASONS[case]
    assert given == expected


def catalog_key(reason: dict) -> str:
    """The review page's choice (review.js ``reasonWords``)."""
    return ".".join(filter(None, ("reason", reason["check"],
                                  reason.get("rule") or reason.get("list"))))


def placeholders(message: str | dict[str, str]) -> set[str]:
    forms = [message] if isinstance(message, str) else message.values()
    return {name for text in forms for name in re.findall(r"\{(\w+)\}", text)}


@pytest.mark.parametrize("lang", sorted(catalogs()))
def test_every_reason_has_words_in_every_catalog_filled_from_its_own_fields(lang):
    messages = catalogs()[lang]
    scoring_failed = {"check": SCORING_ERROR, "count": MAX_SCORING_FAILURES}
    for reason in [scoring_failed, *(r for given, _ in REASONS.values() for r in given)]:
        key = catalog_key(reason)
        assert key in messages, key
        assert placeholders(messages[key]) <= set(reason), key
        assert f"check.{reason['check']}" in messages
