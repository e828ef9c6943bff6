"""Fold a comment to the canonical form both training and scoring see.

Evaders disguise words with lookalike letters, invisible characters, accents,
leetspeak and stretched letters; links and addresses carry the spam signal in
their presence, not their spelling. :func:`normalise` undoes all of that, so a
model trained on tweets still recognises a disguised word in a news comment.

It runs outside the saved scikit-learn pipelines (which hold only built-in,
safely loadable types), so training and the scorer must both call it: it is the
one place the text is transformed. It never raises on any ``str`` and is
idempotent (``normalise(normalise(t)) == normalise(t)``); property tests hold it
to both.
"""

from __future__ import annotations

import re
import unicodedata

URL_TOKEN = "_url_"
EMAIL_TOKEN = "_email_"
MENTION_TOKEN = "@user"
MAX_REPEAT = 3

# Letters from other scripts that render like Latin ones (after casefolding). They are
# folded everywhere: the models read English, and a per-word rule would not be idempotent.
# Cyrillic, Greek, Latin-extension and Armenian letters, each over the Latin one it mimics.
_LOOKALIKES = "авеёкмнорстухіїјѕԁһӏԛԝьүαβεηικνορτυχωγμϲıɡɑɩʀɴʜᴋօոսցհ"
_LATIN = "abeekmhopctyxiijsdhlqwbyabenikvoptuxwyucigairnhkonugh"
CONFUSABLES = dict(zip(_LOOKALIKES, _LATIN, strict=True))
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)

# Leetspeak: characters that stand for letters inside words.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
        "@": "a", "$": "s", "!": "i", "|": "l"}
_LEET_TABLE = str.maketrans(LEET)

# Characters that render as nothing: removed outright (whitespace becomes a space).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")
_ASCII_CONTROLS = str.maketrans(
    {i: " " if chr(i).isspace() else None for i in [*range(32), 127]})
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})

# Each link search is linear in the word's length, so no word makes normalising slow. An
# address starts where its run of address characters starts: a start inside the run finds
# the same address or none, so the look-behind only skips starts the search would retry.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PREFIXED_URL = re.compile(r"(?:https?://|www\.)\S+")
_BARE_URL = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|co|uk|us|ru|de|io|ly|me|tv|tk|xyz|gl|gd"
    r"|be|in|cc|club|online|site|top|link|shop|app|pl|ro|br|fr|es|nl|ca|au|jp|cn|eu|ch|se|ws"
    r"|to|su)\b(?:/\S*)?"
)
_HOST_START = re.compile(r"\b[a-z0-9-]")
_HOST_RUN = re.compile(r"(?:[a-z0-9-]+\.)*[a-z0-9-]*")
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/?#:\s]+)")
_MENTIONS = re.compile(r"(?:@\w+)*")  # each holds one "@": \w excludes it
_REPEAT = re.compile(r"(.)\1{" + str(MAX_REPEAT) + ",}", re.DOTALL)
# Words that may hold a link, a mention or leetspeak; plain words skip the slow path.
# A match is always a whole whitespace-delimited word: the look-behind only lets it start
# at a word's first character (without it every position of every word is tried).
_SUSPECT_WORD = re.compile(r"(?<!\S)\S*?(?:[@:/013457$|]|[.!](?=\S))\S*")
_LEET_RUN = re.compile(r"(?<![a-z0-9@$!|])[a-z0-9@$!|]*[013457@$!|][a-z0-9@$!|]*")
_NUMBER_WITH_UNIT = re.compile(r"\d+[a-z]{1,3}")
_NON_LEET_DIGIT = re.compile(r"[2689]")


def normalise(text: str) -> str:
    """Return the canonical form of ``text``: what the models are trained and scored on."""
    text = _cap_repeats(_fold_unicode(text).translate(_CONFUSABLE_TABLE))
    text = _SUSPECT_WORD.sub(lambda match: _fold_word(match.group()), text)
    return " ".join(text.split())  # str.split's whitespace is the regex's \s


def _fold_word(word: str) -> str:
    """Map links, e-mails and leading mentions to tokens and unfold leetspeak in one word.

    Working word by word, and splitting a word around each token it yields, is
    what makes :func:`normalise` idempotent: every piece returned is already in
    canonical form. The pieces wait on a stack rather than in recursive calls, so
    a word of thousands of mentions or links costs no stack depth. Each piece
    carries the kinds of link it may still hold: one a search found missing from
    a word is missing from every part of it, and is not searched for again.
    """
    folded: list[str] = []
    todo: list[tuple[str, int | None]] = [(word, _ANY_LINK)]
    while todo:
        piece, kinds = todo.pop()
        if kinds is None:  # a token, already canonical
            folded.append(piece)
            continue
        link, kinds = _first_link(piece, kinds)
        if link:
            token = EMAIL_TOKEN if link.re is _EMAIL else _url_tokens(link.group())
            todo += [(piece[link.end():], kinds), (f" {token} ", None),
                     (piece[:link.start()], kinds)]
            continue
        # The leading mentions; after one ends (at a non-word character) no link can start.
        mentions = _MENTIONS.match(piece)
        folded.append(f" {MENTION_TOKEN} " * mentions.group().count("@"))
        rest = piece[mentions.end():]
        unfolded = _cap_repeats(_LEET_RUN.sub(_fold_leet, rest))
        if unfolded == rest:
            folded.append(rest)
        else:
            todo.append((unfolded, _ANY_LINK))  # unfolding can reveal a link
    return "".join(folded)


_EMAIL_KIND, _PREFIXED_KIND = 1, 2
_ANY_LINK = _EMAIL_KIND | _PREFIXED_KIND


def _first_link(piece: str, kinds: int) -> tuple[re.Match[str] | None, int]:
    """The first e-mail address in ``piece``, else its leftmost link; and the kinds of link
    its parts may still hold."""
    if kinds & _EMAIL_KIND:
        if email := _EMAIL.search(piece):
            return email, kinds
        kinds &= ~_EMAIL_KIND
    prefixed = _PREFIXED_URL.search(piece) if kinds & _PREFIXED_KIND else None
    if prefixed is None:
        kinds &= ~_PREFIXED_KIND
    return _bare_url(piece, prefixed.start() if prefixed else len(piece)) or prefixed, kinds


def _bare_url(piece: str, before: int) -> re.Match[str] | None:
    """The leftmost bare host (``example.com/page``) starting before ``before``.

    A host is tried from the first place in each run of host characters where a
    word starts; when that fails, a start later in the run would only find the
    same labels and fail too, so the run is skipped whole.
    """
    at = 0
    while (start := _HOST_START.search(piece, at)) and start.start() < before:
        if host := _BARE_URL.match(piece, start.start()):
            return host
        at = _HOST_RUN.match(piece, start.start()).end()
    return None


def _fold_unicode(text: str) -> str:
    """NFKC and casefold, then drop accents, invisible and control characters."""
    if text.isascii():
        return text.translate(_ASCII_CONTROLS).lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif char not in _INVISIBLE and unicodedata.category(char) not in _DROP_CATEGORIES:
            kept.append(char)
    return unicodedata.normalize("NFKC", "".join(kept)).casefold()


def _cap_repeats(text: str) -> str:
    return _REPEAT.sub(lambda m: m.group(1) * MAX_REPEAT, text)


def _url_tokens(url: str) -> str:
    """A link becomes ``_url_`` plus a token naming its site: a link to the video itself is
    not spam, a link to a shortener often is."""
    match = _HOST.match(url)
    labels = [part for part in re.split(r"[^a-z0-9]+", match.group(1) if match else "") if part]
    if not labels:
        return URL_TOKEN
    site = "_".join(labels[-2:])
    return f"{URL_TOKEN} url_{_cap_repeats(_LEET_RUN.sub(_fold_leet, site))}"


def _fold_leet(match: re.Match[str]) -> str:
    """Fold digits and symbols standing in for letters, leaving numbers and units alone."""
    word = match.group()
    core = word.strip("@").rstrip("!")
    if not core:
        return word
    letters = sum("a" <= c <= "z" for c in core)
    substitutes = len(core) - letters
    if (letters < 2 or substitutes > letters or _NON_LEET_DIGIT.search(core)
            or _NUMBER_WITH_UNIT.fullmatch(core)):
        return word
    start = len(word) - len(word.lstrip("@"))
    return word[:start] + core.translate(_LEET_TABLE) + word[start + len(core):]
