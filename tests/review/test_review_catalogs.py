"""The review page's message catalogs: every language says everything English says, and the
page speaks the moderator's language."""

from __future__ import annotations

import json
import re

import pytest

from models import registry
from moderation.lifecycle import MODERATOR_ACTIONS
from moderation.scoring import SCORING_ERROR
from moderation.scoring.checks import DEFAULT_CHECKS
from moderation.web.review_catalogs import CATALOGS, catalogs

ENGLISH = catalogs()["en"]
OTHERS = sorted(path.stem for path in CATALOGS.glob("*.json") if path.stem != "en")
STATIC = CATALOGS.parents[1]
PLURALS = {"zero", "one", "two", "few", "many", "other"}  # Intl.PluralRules' categories
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A key review.js or the template names whole: t('key') or t("key", ...), not t("prefix." ~ x).
KEY_USE = re.compile(r"""\bt\(\s*['"]([\w.]+)['"]\s*[,)]""")


def forms(message: str | dict[str, str]) -> list[str]:
    return [message] if isinstance(message, str) else list(message.values())


def placeholders(message: str | dict[str, str]) -> set[str]:
    return {name for text in forms(message) for name in PLACEHOLDER.findall(text)}


def test_there_are_languages_besides_english_among_them_german():
    assert "de" in OTHERS


@pytest.mark.parametrize("lang", OTHERS)
def test_every_catalog_has_the_same_keys_as_english(lang):
    own = json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))
    assert sorted(own) == sorted(ENGLISH)


@pytest.mark.parametrize("lang", OTHERS)
def test_every_translation_keeps_the_placeholders_and_its_plural_forms_are_categories(lang):
    for key, message in catalogs()[lang].items():
        assert placeholders(message) == placeholders(ENGLISH[key]), key
        assert isinstance(message, str) or ("other" in message and set(message) <= PLURALS), key


def test_the_english_words_of_every_moderator_action_are_the_lifecycle_tables():
    for name, action in MODERATOR_ACTIONS.items():
        assert ENGLISH[f"action.{name}.label"] == action.label
        assert ENGLISH[f"action.{name}.done"] == action.done


def test_every_key_the_page_names_is_in_the_english_catalog():
    sources = [STATIC / "review.js", STATIC / "dashboard.js",
               STATIC.parent / "templates" / "review.html"]
    used = {key for path in sources for key in KEY_USE.findall(path.read_text())}
    assert len(used) > 50
    assert used - set(ENGLISH) == set()


def test_every_check_and_every_model_rule_has_its_words():
    """Reasons are worded by check (check.<name>, reason.<check>...): a new check or model rule
    needs its words here (the reasons themselves: tests/scoring/test_check_reasons.py)."""
    for name in [check.name for check in DEFAULT_CHECKS] + [SCORING_ERROR]:
        assert f"check.{name}" in ENGLISH, name
    for model in registry.MODELS:
        for rule in model.thresholds.rules:
            assert placeholders(ENGLISH[f"reason.models.{rule}"]) == {"model", "score", "threshold"}


@pytest.mark.parametrize(("accept", "query", "lang"), [
    ("de-DE,de;q=0.9,en;q=0.8", "", "de"),
    ("ja-JP, en;q=0.5", "", "en"),
    ("", "", "en"),
    ("en-US", "?lang=de", "de"),
    ("de", "?lang=xx", "de"),
])
def test_the_page_speaks_the_browsers_language_or_the_one_asked_for(client, accept, query, lang):
    response = client.get(f"/moderate/{query}", headers={"Accept-Language": accept})
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert f"<title>{catalogs()[lang]['page.title']}</title>" in html
    assert "Accept-Language" in response.headers["Vary"]
