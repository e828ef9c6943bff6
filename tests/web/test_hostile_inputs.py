"""Hostile input never gets a 500: any request a client can send gets a 4xx in the error shape.

One app per backend serves the whole table, so the cases stay cheap.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from moderation.comments.lookup import find_thread
from moderation.sites import create_site
from tests.conftest import BACKENDS, comment_payload, module_app

STRING_FIELDS = ["site", "thread", "body", "author_name", "author_email", "author_url",
                 "parent_id", "thread_title", "thread_url", "nickname"]
REQUIRED = ["site", "thread", "body", "author_name", "author_email"]
WRONG_TYPES = [42, True, ["x"], {"x": "y"}]
JSON = "application/json"


@pytest.fixture(scope="module", params=BACKENDS)
def hostile_app(request, tmp_path_factory):
    with module_app(request, tmp_path_factory) as app:
        with app.app_context():
            create_site("news", "Daily News", ["https://news.example"], flood_interval_seconds=0)
        yield app


@pytest.fixture
def client(hostile_app):
    return hostile_app.test_client()


def raw(payload: dict, **dumps) -> bytes:
    return json.dumps(payload, **dumps).encode()


def ascii_json(**overrides) -> bytes:
    """Lone surrogates only survive JSON as \\ud800 escapes."""
    return raw(comment_payload(**overrides), ensure_ascii=True)


def nested(depth: int) -> bytes:
    return b'{"body": ' + b"[" * depth + b"]" * depth + b"}"


# (id, method, path, body bytes, content type, status, error code, fields named)
POST = "/api/v1/comments"
CASES = [
    ("text-plain", "POST", POST, b"hello", "text/plain", 415, "unsupported_media_type", None),
    ("form-encoded", "POST", POST, b"site=news&body=x", "application/x-www-form-urlencoded",
     415, "unsupported_media_type", None),
    ("no-content-type", "POST", POST, raw(comment_payload()), None, 415,
     "unsupported_media_type", None),
    ("malformed-json", "POST", POST, b'{"site": "news", ', JSON, 400, "bad_request", None),
    ("empty-body", "POST", POST, b"", JSON, 422, "validation_failed", set(REQUIRED)),
    ("invalid-utf8", "POST", POST, b'{"site": "\xff\xfe\xc3"}', JSON, 400, "bad_request", None),
    ("bom-prefixed", "POST", POST, b"\xef\xbb\xbf" + raw(comment_payload()), JSON, 400,
     "bad_request", None),
    ("deeply-nested", "POST", POST, nested(10_000), JSON, 400, "bad_request", None),
    ("huge-integer", "POST", POST, b'{"body": 1' + b"0" * 5000 + b"}", JSON, 400,
     "bad_request", None),
    ("oversized", "POST", POST, raw(comment_payload(body="x" * 70_000)), JSON, 413,
     "payload_too_large", None),
    ("json-array", "POST", POST, b"[1, 2]", JSON, 422, "validation_failed", {"_schema"}),
    ("json-string", "POST", POST, b'"a comment"', JSON, 422, "validation_failed", {"_schema"}),
    ("json-null", "POST", POST, b"null", JSON, 422, "validation_failed", {"_schema"}),
    ("huge-float", "POST", POST,
     raw(comment_payload(body=0)).replace(b'"body": 0', b'"body": 1e999'), JSON, 422,
     "validation_failed", {"body"}),
    ("body-too-long", "POST", POST, raw(comment_payload(body="x" * 5001)), JSON, 422,
     "validation_failed", {"body"}),
    ("moderately-nested-body", "POST", POST, raw(comment_payload(body=[[[[["x"]]]]])), JSON,
     422, "validation_failed", {"body"}),
    *[(f"surrogate-{field}", "POST", POST, ascii_json(**{field: "a\ud800b"}), JSON, 422,
       "validation_failed", {field})
      for field in ["site", "thread", "body", "author_name", "author_email", "author_url",
                    "thread_title", "thread_url", "parent_id"]],
    *[(f"nul-{field}", "POST", POST, raw(comment_payload(**{field: value})), JSON, 422,
       "validation_failed", {field})
      for field, value in [("site", "ne\x00ws"), ("author_email", "a\x00b@example.com"),
                           ("author_url", "http://a\x00.example"), ("parent_id", "\x00")]],
    *[(f"{field}-{type(value).__name__}", "POST", POST, raw(comment_payload(**{field: value})),
       JSON, 422, "validation_failed", {field})
      for field in STRING_FIELDS for value in WRONG_TYPES],
    *[(f"{field}-null", "POST", POST, raw(comment_payload(**{field: None})), JSON, 422,
       "validation_failed", {field}) for field in REQUIRED],
    *[(f"{field}-{url[:12]}", "POST", POST, raw(comment_payload(**{field: url})), JSON, 422,
       "validation_failed", {field})
      for field in ["author_url", "thread_url"]
      for url in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                  "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                  "vbscript:msgbox(1)", "//evil.example/x", "http://"]],
    ("thread-only-controls", "POST", POST, raw(comment_payload(thread="\x00\x01\x7f")), JSON,
     422, "validation_failed", {"thread"}),
    ("list-site-nul", "GET", "/api/v1/comments?site=ne%00ws&thread=t", None, None, 422,
     "validation_failed", {"site"}),
    ("list-thread-nul", "GET", "/api/v1/comments?site=news&thread=%00", None, None, 422,
     "validation_failed", {"thread"}),
    ("list-limit-huge", "GET", "/api/v1/comments?site=news&thread=t&limit=1" + "0" * 40, None,
     None, 422, "validation_failed", {"limit"}),
    ("list-limit-text", "GET", "/api/v1/comments?site=news&thread=t&limit=ten", None, None,
     422, "validation_failed", {"limit"}),
    ("list-cursor-garbage", "GET", "/api/v1/comments?site=news&thread=t&cursor=%00%ff", None,
     None, 422, "validation_failed", {"cursor"}),
    ("list-invalid-utf8-query", "GET", "/api/v1/comments?site=news&thread=%ff%fe", None, None,
     200, None, None),
    ("counts-site-nul", "GET", "/api/v1/counts?site=%00&thread=a", None, None, 422,
     "validation_failed", {"site"}),
    ("counts-101-threads", "GET", "/api/v1/counts?site=news" + "&thread=t" * 101, None, None,
     422, "validation_failed", {"thread"}),
    ("counts-empty-thread", "GET", "/api/v1/counts?site=news&thread=&thread=%00", None, None,
     422, "validation_failed", {"thread"}),
    ("own-comment-nul-id", "GET", "/api/v1/comments/%00", None, None, 404, "not_found", None),
    ("own-comment-long-id", "GET", "/api/v1/comments/" + "x" * 3000, None, None, 404,
     "not_found", None),
    ("patch-text-plain", "PATCH", "/api/v1/comments/nope", b"body", "text/plain", 415,
     "unsupported_media_type", None),
    ("patch-deeply-nested", "PATCH", "/api/v1/comments/nope", nested(10_000), JSON, 400,
     "bad_request", None),
    ("patch-surrogate", "PATCH", "/api/v1/comments/nope", b'{"body": "\\udfff"}', JSON, 422,
     "validation_failed", {"body"}),
    ("patch-unknown-field", "PATCH", "/api/v1/comments/nope", b'{"body": "x", "status": 1}',
     JSON, 422, "validation_failed", {"_unknown"}),
]


@pytest.mark.parametrize("method, path, body, content_type, status, code, fields",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_request_gets_a_clear_4xx_in_the_error_shape(
        client, method, path, body, content_type, status, code, fields):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(path, method=method, data=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    answer = response.get_json()
    if code is None:
        return
    assert set(answer) <= {"error", "message", "fields"}
    assert answer["error"] == code and answer["message"]
    if fields is not None:
        assert set(answer["fields"]) == fields
        assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages)
                   for messages in answer["fields"].values())


def test_the_table_is_long_enough():
    assert len(CASES) >= 20


def test_control_characters_and_nul_are_stripped_not_stored(client):
    response = client.post(POST, json=comment_payload(
        thread="ctl-thread", body="line one\x00\x07\r\nline two\x1b", author_name="Ja\x00ne\x7f"))
    assert response.status_code == 202
    comment = client.get("/api/v1/comments?site=news&thread=ctl-thread").get_json()["comments"][0]
    assert comment["author_name"] == "Jane"
    assert comment["body_html"] == "<p>line one<br>\nline two</p>"


class _Markup(HTMLParser):
    """Every tag and attribute of a fragment, as a browser would see them."""

    def __init__(self, fragment: str):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs


XSS_BODIES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\" onclick=\"alert(1)\">click</a>",
    "[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)",
    "<svg onload=alert(1)><iframe src=javascript:alert(1)></iframe>",
    "\"><script>alert(1)</script><p style=\"x:expression(alert(1))\">",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("body", XSS_BODIES)
def test_xss_in_an_accepted_comment_comes_back_stored_as_given_but_rendered_safe(client, body):
    name, thread, title = "<script>alert('n')</script>", "<img src=x onerror=alert(1)>", \
        "<svg/onload=alert(1)>"
    response = client.post(POST, json=comment_payload(
        body=body, author_name=name, thread=thread, thread_title=title,
        author_url="https://jane.example/?q=<script>"))
    assert response.status_code == 202
    page = client.get("/api/v1/comments", query_string={"site": "news", "thread": thread})
    assert page.get_json()["thread"] == thread
    (comment,) = [c for c in page.get_json()["comments"] if c["id"] == response.get_json()["id"]]
    assert comment["author_name"] == name  # data, not markup: the widget sets it as text
    markup = _Markup(comment["body_html"])
    assert set(markup.tags) <= {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
    assert "script" not in markup.tags
    assert all(not attribute.startswith("on") for attribute, _ in markup.attributes)
    assert all(value.startswith(("http://", "https://")) for attribute, value in
               markup.attributes if attribute == "href")
    with client.application.app_context():
        assert find_thread("news", thread).title == title


def test_a_safe_markdown_link_is_kept_and_marked_nofollow(client):
    response = client.post(POST, json=comment_payload(
        thread="links", body="See [the report](https://news.example/report)."))
    assert response.status_code == 202
    comment = client.get("/api/v1/comments?site=news&thread=links").get_json()["comments"][0]
    markup = _Markup(comment["body_html"])
    assert ("href", "https://news.example/report") in markup.attributes
    assert ("rel", "nofollow ugc noopener") in markup.attributes


@pytest.mark.parametrize("field, value", [
    ("author_name", "\u200b\u200b"),  # IN-N2: zero-width only
    ("author_name", "\u202e\u202c"),  # IN-N4: bidi controls only
    ("body", "\u200b\u200b\u200b"),  # IN-25: zero-width only
    ("body", "\u2060\ufeff\n\u200d"),
    ("thread_title", "\u2066\u2069"),
])
def test_text_without_a_visible_character_is_refused_naming_its_field(client, field, value):
    response = client.post(POST, json=comment_payload(thread="invisible", **{field: value}))
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_bidi_controls_are_stripped_from_names_and_titles_but_not_bodies(client):
    # IN-N0: "\u202eredaeR laiciffO" would show as "Official Reader"
    response = client.post(POST, json=comment_payload(
        thread="bidi", author_name="\u202eredaeR laiciffO", thread_title="\u2067Title\u2069",
        body="\u202bquoted\u202c text"))
    assert response.status_code == 202
    (comment,) = client.get("/api/v1/comments?site=news&thread=bidi").get_json()["comments"]
    assert comment["author_name"] == "redaeR laiciffO"
    assert "\u202b" in comment["body_html"]
    with client.application.app_context():
        assert find_thread("news", "bidi").title == "Title"


def test_an_unknown_field_is_reported_without_echoing_its_name(client):
    response = client.post(POST, json=comment_payload(**{"zq.canary@leak.example": 1,
                                                         "other": 2}))
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"_unknown": ["Unknown field."]}
    assert "canary" not in response.get_data(as_text=True)


def test_author_urls_are_stored_percent_encoded(client):
    response = client.post(POST, json=comment_payload(
        thread="url-encoding", author_url='https://jane.example/a b"c<d>?q=\'x\''))
    assert response.status_code == 202
    (comment,) = client.get("/api/v1/comments?site=news&thread=url-encoding").get_json()[
        "comments"]
    assert comment["author_url"] == "https://jane.example/a%20b%22c%3Cd%3E?q=%27x%27"


@pytest.mark.parametrize("url", ["https://user:pass@jane.example/",
                                 "https://news.example@evil.example/"])
def test_an_author_url_with_a_user_name_or_password_is_refused(client, url):
    response = client.post(POST, json=comment_payload(author_url=url))
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "author_url": ["Must not contain a user name or password."]}
