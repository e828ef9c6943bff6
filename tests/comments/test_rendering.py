"""Plain comments skip markdown-it and nh3: what they get must be what the two would make."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from moderation.comments import rendering
from moderation.comments.rendering import render_body

# What readers type, plus what markdown-it or nh3 treat specially: structure (spaces,
# newlines, indentation, list and heading markers), HTML's own characters, markup
# characters, tabs, carriage returns, no-break and other Unicode spaces, NUL, non-BMP.
ALPHABET = st.sampled_from([
    "a", "Zo", "é", "漢", "🙂", "1.", "-", "#", "+", "!", "(", ")", ":", " ", " ", "    ",
    "\n", "\n", "\n\n", ">", "<", "&", '"', "'", "&amp;", "<b>", "*", "_", "`", "~~~", "[",
    "]", "\\", "\t", "\r", "\r\n", "\xa0", "\u2028", "\u3000", "\x00", "\x0b", "\ufeff",
])


def through_both(text: str) -> str:
    """The full path: markdown-it, then nh3."""
    return rendering._cleaner.clean(rendering._markdown.render(text)).strip()


@settings(max_examples=3000, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
@example("  First line  \n   second line \n \n\n  Second paragraph & <3 -> \"yes\"  \n")
@example("a\n    indented continuation")
@example("\n\n   \n")
def test_plain_text_renders_as_markdown_it_and_nh3_render_it(text):
    plain = rendering._plain_html(text)
    if plain is not None:
        assert plain == through_both(text)


@given(st.text(st.characters(codec="utf-8"), max_size=60))
@settings(max_examples=1000, deadline=None)
def test_any_text_renders_as_markdown_it_and_nh3_render_it(text):
    assert render_body(text) == through_both(text)


def test_everyday_comments_take_the_plain_path():
    for text in ["The council's figures don't add up: 3 + 4 isn't 9.",
                 "As a Jewish reader, I found this fair.\n\nThanks for covering it!",
                 "Two lines\nof one paragraph & a <3 at the end"]:
        assert rendering._plain_html(text) is not None


def test_markup_takes_the_full_path():
    for text in ["*really*", "see [here](https://example.org)", "> quoted", "a\n\n    code",
                 "`x`", "a\\b", "tab\there", "crlf\r\nline", "no-break\xa0space"]:
        assert rendering._plain_html(text) is None
    assert render_body("*really*") == "<p><em>really</em></p>"
