"""Properties of the Leave A Reply schema, for any input a client can send: it answers a
ValidationError or clean data, never anything else."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from moderation.web.schemas.public import CommentSubmission
from tests.conftest import comment_payload

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
TEXT_LIMITS = {"thread": 512, "body": 5000, "author_name": 80, "parent_id": 32,
               "thread_title": 300}
FIELDS = [*TEXT_LIMITS, "site", "author_email", "author_url", "thread_url", "nickname"]
SCHEMA = CommentSubmission()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
# Text a form may carry: controls, odd whitespace, surrogates, combining marks, long runs.
hostile_text = st.text(st.characters(codec=None), max_size=40) | st.builds(
    lambda piece, count: piece * count,
    st.sampled_from([" ", "\u00a0", "\x00", "\r\n", "e\u0301", "\ud800", "a", "\t",
                     "\u200b", "\u202e"]),
    st.integers(0, 6000))
urls = st.builds(lambda scheme, rest: scheme + rest,
                 st.sampled_from(["http://", "https://", "HTTPS://", "javascript:", "data:",
                                  "ftp://", "//", " http://", ""]),
                 st.text(max_size=60))

relaxed = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def load(payload: dict) -> dict | None:
    """The loaded data, or None when refused; anything but ValidationError escapes."""
    try:
        return SCHEMA.load(payload)
    except ValidationError as error:
        assert isinstance(error.messages, dict)
        return None


@relaxed
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values))
def test_any_json_object_is_loaded_or_refused_with_a_validation_error(payload):
    load(payload)


@relaxed
@given(st.sampled_from(FIELDS), json_values)
def test_any_value_in_any_field_is_loaded_or_refused_with_a_validation_error(field, value):
    load(comment_payload(**{field: value}))


@relaxed
@given(st.sampled_from(list(TEXT_LIMITS)), hostile_text)
def test_accepted_text_is_trimmed_without_controls_and_within_bounds(field, text):
    loaded = load(comment_payload(**{field: text}))
    if loaded is None or loaded.get(field) is None:
        return
    value = loaded[field]
    assert value == value.strip()
    assert not CONTROL.search(value)
    assert 1 <= len(value) <= TEXT_LIMITS[field]
    assert any(unicodedata.category(char)[0] in "LNPS" for char in value)  # something shows
    if field != "body":
        assert "\n" not in value and "  " not in value  # one line, spaces folded
        assert not BIDI.search(value)


@relaxed
@given(st.sampled_from(["author_url", "thread_url"]), urls)
def test_accepted_urls_are_http_or_https_only(field, url):
    loaded = load(comment_payload(**{field: url}))
    if loaded is None or loaded.get(field) is None:
        return
    value = loaded[field]
    assert urlsplit(value).scheme.lower() in {"http", "https"}
    assert len(value) <= 2048 and not CONTROL.search(value) and value == value.strip()
    assert "@" not in urlsplit(value).netloc and not re.search(r"[\s\"'<>`]", value)


@relaxed
@given(hostile_text)
def test_accepted_emails_are_clean_addresses(text):
    loaded = load(comment_payload(author_email=text))
    if loaded is None:
        return
    email = loaded["author_email"]
    assert "@" in email and len(email) <= 254 and not CONTROL.search(email)
    assert email == email.strip()
