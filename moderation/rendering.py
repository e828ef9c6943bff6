"""Comment text → safe HTML, once, at write time.

Readers type plain text with a little markdown (paragraphs, emphasis, links,
quotes, code). markdown-it renders it with raw HTML disabled; nh3 (Ammonia)
then keeps only a small tag set and http(s) links, marked ``nofollow ugc``.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "link", "blockquote", "backticks", "fence", "code", "newline", "escape"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https"}


def render_body(text: str) -> str:
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
    ).strip()
