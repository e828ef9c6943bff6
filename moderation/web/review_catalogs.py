"""The review page's words in the moderator's language: one JSON catalog per language.

``static/i18n/review/<lang>.json`` maps a message key to its text (``{name}`` placeholders),
or, for a count, to its plural forms by ``Intl.PluralRules`` category (``one``, ``other``...).
English is the default and the base every other catalog falls back to; the English words of
the moderator actions are the lifecycle table's own (``action.<name>.label`` and ``.done``),
so a new action needs only its translations here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept

from ..lifecycle import MODERATOR_ACTIONS

CATALOGS = Path(__file__).parents[1] / "static" / "i18n" / "review"
DEFAULT = "en"
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})

Message = str | dict[str, str]


def _lifecycle_words() -> dict[str, str]:
    return {key: text for name, action in MODERATOR_ACTIONS.items()
            for key, text in ((f"action.{name}.label", action.label),
                              (f"action.{name}.done", action.done))}


@cache
def catalogs() -> dict[str, dict[str, Message]]:
    """Every language's messages, each completed from English (read once per process)."""
    read = {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(CATALOGS.glob("*.json"))}
    english = {**_lifecycle_words(), **read[DEFAULT]}
    return {lang: {**english, **messages} for lang, messages in read.items()}


def choose(asked: str | None, accepted: LanguageAccept) -> str:
    """``?lang=`` when we have it, else the best of the browser's Accept-Language, else English."""
    if asked in catalogs():
        return asked
    return accepted.best_match(catalogs(), default=DEFAULT)


def direction(lang: str) -> str:
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


def translator(lang: str) -> Callable[..., Markup]:
    """``t(key, **markup)`` for the template: the message, escaped, with placeholders filled
    (``Markup`` arguments, such as a ``<kbd>``, go in as markup; anything else is escaped)."""
    messages = catalogs()[lang]

    def t(key: str, **values: object) -> Markup:
        return Markup.escape(messages[key]).format(**values)

    return t
