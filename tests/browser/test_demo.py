"""The demo newsroom at /: the sample article with the widget, its counts, and the review page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from moderation import demo
from tests.browser.conftest import pwned

pytestmark = pytest.mark.integration


def test_the_demo_article_shows_its_comments_and_counts(live_server, page, artifacts):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.ARTICLE["title"])
    articles = page.locator("#comments article")
    expect(articles).to_have_count(3)  # the held sample waits for a moderator
    expect(page.locator("#comments h2")).to_have_text("3 Comments")
    expect(page.locator(".kids article")).to_contain_text("It moves in next month")
    expect(page.locator("#comments")).not_to_contain_text("lawsuit")

    counts = page.locator(f"[data-comment-count-thread='{demo.ARTICLE['thread']}']")
    expect(counts).to_have_text(["3 comments", "3 comments"])
    for other in demo.OTHER_ARTICLES:
        expect(page.locator(f"[data-comment-count-thread='{other['thread']}']")).to_have_text(
            "0 comments")
    assert pwned(page) == []
    page.screenshot(path=artifacts / "demo-article.png", full_page=True)


def test_count_js_makes_one_request_for_every_count_on_the_page(live_server, page):
    calls = []
    page.on("request", lambda request: "/api/v1/counts" in request.url and calls.append(
        request.url))
    page.goto(live_server.url + "/")
    expect(page.locator(".count").first).to_have_text("3 comments")
    assert len(calls) == 1


def test_the_form_with_errors_on_the_demo_article(live_server, page, artifacts):
    page.goto(live_server.url + "/")
    expect(page.locator("#comments h2")).to_have_text("3 Comments")
    page.get_by_role("textbox", name="Email", exact=True).fill("reader@")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comments .err:visible")).to_have_count(3)
    page.locator("#comments .lar > div").screenshot(path=artifacts / "demo-form-errors.png")


def test_the_demo_moderator_sees_the_held_sample_with_its_word_highlighted(
        live_server, page, artifacts):
    live_server.sign_in(page, demo.DEMO_SITE, live_server.demo_token)
    item = page.locator(".queue .item").filter(has_text="file a lawsuit")
    expect(item).to_be_visible()
    expect(item.locator(".text mark")).to_have_text("lawsuit")
    page.screenshot(path=artifacts / "demo-review-page.png", full_page=True)


def test_the_demo_shows_the_widget_in_another_language_and_theme(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="ar", exact=True).click()
    page.get_by_role("link", name="dark", exact=True).click()
    widget = page.locator("#comments .lar")
    expect(widget).to_have_attribute("dir", "rtl")
    expect(page.locator("#comments h2")).to_have_text("3 تعليقات")
    expect(page.locator(".count").first).to_have_text("3 تعليقات")
    assert widget.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(13, 17, 23)"

    page.goto(live_server.url + "/?lang=../review/en&theme=evil")  # only what the demo offers
    expect(page.locator("#comments h2")).to_have_text("3 Comments")
    assert page.locator("script[src='/embed.js']").evaluate(
        "el => el.hasAttribute('data-lang') || el.hasAttribute('data-theme')") is False
