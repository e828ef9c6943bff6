"""Comment text → safe HTML, once, at write time.

Readers type plain text with a little markdown (paragraphs, emphasis, links,
quotes, code). markdown-it renders it with raw HTML disabled; nh3 (Ammonia)
then keeps only a small tag set and absolute http(s) links, marked ``nofollow ugc``.
The stored HTML goes to webhook receivers and API consumers as it is, so it
carries no relative link (it would resolve against *their* pages) and no
attribute but ``href`` (Ammonia's default ``title``/``lang`` on every tag are off).

Most comments use no markup at all. Those (printable text, no character any enabled
markdown rule reacts to, no line indented as code or opened as a quote) skip both
libraries: their paragraphs and line breaks are written directly, as the two would write
them (``tests/comments/test_rendering.py`` compares the two on generated text): 4.5 µs
instead of about 65, some 5 % of a submission's web CPU (issue #16).
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "link", "blockquote", "backticks", "fence", "code", "newline", "escape"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https"}
# Built once: nh3.clean converts its settings on every call, five times the cleaning itself.
_cleaner = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=LINK_REL,
                       url_schemes=URL_SCHEMES, url_relative="deny")

# What makes text more than plain: the enabled inline rules' characters (emphasis, links,
# code spans and fences, escapes), a quote's ``>`` opening a line, a line indented as code.
_MARKUP = re.compile(r"[*_`~\[\]\\]|^ {0,3}>|^ {4}", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?: *\n)+")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def render_body(text: str) -> str:
    plain = _plain_html(text)
    if plain is not None:
        return plain
    return _cleaner.clean(_markdown.render(text)).strip()


def _plain_html(text: str) -> str | None:
    """The HTML of text with no markup, as markdown-it and nh3 make it; None for any other.

    Only printable characters, spaces and newlines: markdown-it rewrites ``\\r`` and NUL,
    and tabs, no-break and other Unicode spaces are trimmed or escaped each their own way.
    """
    if not text.replace("\n", "").isprintable() or _MARKUP.search(text):
        return None
    paragraphs = _BLANK_LINES.split(text.translate(_ESCAPES).strip(" \n"))
    return "\n".join(
        "<p>" + "<br>\n".join(line.strip(" ") for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs if paragraph.strip(" "))
