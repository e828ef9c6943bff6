"""Comment text → safe HTML, once, at write time.

Readers type plain text with a little markdown (paragraphs, emphasis, links,
quotes, code). markdown-it renders it with raw HTML disabled; nh3 (Ammonia)
then keeps only a small tag set and absolute http(s) links, marked ``nofollow ugc``.
The stored HTML goes to webhook receivers and API consumers as it is, so it
carries no relative link (it would resolve against *their* pages) and no
attribute but ``href`` (Ammonia's default ``title``/``lang`` on every tag are off).
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "link", "blockquote", "backticks", "fence", "code", "newline", "escape"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https"}


def render_body(text: str) -> str:
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
    ).strip()
