"""Stored ``body_html`` (audit F-16): webhook receivers and API consumers get it as it is, so it
holds only absolute http(s) links and no attribute but ``href`` (and our ``rel``)."""

from __future__ import annotations

import pytest

from moderation.comments.rendering import render_body


def stored_html(client, post_comment, body: str) -> str:
    accepted = post_comment(body=body)
    assert accepted.status_code == 202, accepted.get_json()
    comment = client.get(f"/api/v1/comments/{accepted.get_json()['id']}").get_json()
    return comment["body_html"]


@pytest.mark.parametrize(("body", "kept_text"), [
    ("[x](//evil.example/phish)", "x"),              # protocol-relative: another host
    ("[x](/moderate/?site=alpha)", "x"),             # resolves against the receiver's site
    ("[x](../../api/v1/moderation/queue)", "x"),
    ("[x](#lar-c-abc)", "x"),
    ("[click](javascript%3Aalert(1))", "click"),
    ("[x](%EF%BD%8Aavascript:alert(1))", "x"),
    ("[x](java%E2%80%8Bscript:alert(1))", "x"),
])
def test_relative_links_are_not_stored(client, post_comment, body, kept_text):
    html = stored_html(client, post_comment, body)
    assert "href" not in html
    assert f">{kept_text}</a>" in html


def test_link_titles_and_generic_attributes_are_not_stored(client, post_comment):
    html = stored_html(client, post_comment, '![a](x "onerror=alert(1)") and '
                                             '[b](https://ok.example/p "a title")')
    assert "title" not in html and "onerror" not in html
    assert '<a href="https://ok.example/p" rel="nofollow ugc noopener">b</a>' in html


def test_absolute_http_links_are_kept():
    assert render_body("[news](https://news.example/a?b=1)") == (
        '<p><a href="https://news.example/a?b=1" rel="nofollow ugc noopener">news</a></p>')
