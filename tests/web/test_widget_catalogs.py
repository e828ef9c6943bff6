"""The widget's message catalogs: English is the scripts' own words (gettext style, a message's
English text is its key), and every other language translates exactly those, no more, no less."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from moderation.web.pages import minified
from tests.review.test_review_catalogs import placeholders

CATALOGS = Path(__file__).resolve().parents[2] / "moderation" / "static" / "i18n" / "widget"
LANGUAGES = sorted(path.stem for path in CATALOGS.glob("*.json"))
RIGHT_TO_LEFT = {"ar"}
LITERAL = r"'((?:[^'\\]|\\.)*)'"
# t('English') and t({ one: 'English', other: 'English' }, ...): a count is keyed by its "other".
MESSAGE = re.compile(rf"\bt\(\s*{LITERAL}")
COUNT = re.compile(rf"\bt\(\s*\{{\s*one:\s*{LITERAL},\s*other:\s*{LITERAL}\s*\}}")


def english() -> dict[str, str | dict[str, str]]:
    """Every message embed.js and count.js say, by key, as the scripts say it in English."""
    source = minified("embed.js").decode() + minified("count.js").decode()  # no comments
    messages: dict[str, str | dict[str, str]] = {text: text for text in MESSAGE.findall(source)}
    messages.update({other: {"one": one, "other": other} for one, other in COUNT.findall(source)})
    # Every call names its message whole: none is put together at run time.
    assert len(re.findall(r"\bt\(", source)) == len(MESSAGE.findall(source)) + len(
        COUNT.findall(source))
    return messages


def catalog(lang: str) -> dict[str, str | dict[str, str]]:
    return json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))


def test_ten_languages_besides_english_among_them_one_right_to_left():
    assert {"de", "fr", "es", "it", "pt", "pl", "nl", "ar"} < set(LANGUAGES)
    assert len(LANGUAGES) >= 10 and "en" not in LANGUAGES
    assert len(english()) > 45


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalog_has_exactly_the_keys_of_english(lang):
    assert sorted(catalog(lang)) == sorted(english())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_keeps_placeholders_the_star_and_the_direction(lang):
    own = catalog(lang)
    for key, message in english().items():
        assert placeholders(own[key]) == placeholders(message), key
        assert isinstance(own[key], str) == isinstance(message, str), key
        assert isinstance(own[key], str) or "other" in own[key], key
    note = own["Your email address will not be published. Required fields are marked *"]
    assert note.count("*") == 1  # the widget shows the star as the fields' marker
    assert own["ltr"] == ("rtl" if lang in RIGHT_TO_LEFT else "ltr")


def test_a_catalog_is_served_to_news_sites_cacheable_and_readable_cross_origin(client):
    with client.get("/i18n/widget/de.json") as response:
        assert response.status_code == 200
        assert response.get_json() == catalog("de")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.cache_control.public and response.cache_control.max_age == 300
        etag = response.headers["ETag"]
    with client.get("/i18n/widget/de.json", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    with client.get("/i18n/widget/xx.json") as response:  # English, without a CORS error
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.cache_control.max_age == 300
    with client.get("/i18n/widget/..%2Freview%2Fen.json") as response:
        assert response.status_code == 404
