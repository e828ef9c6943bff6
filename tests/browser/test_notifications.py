"""Reply notifications end to end in Chromium: tick, confirm, a reply approved, unsubscribe."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HELD_WORD
from tests.notifications.conftest import inbox, link_in  # noqa: F401 (the SMTP fixture)

pytestmark = pytest.mark.integration


def wait_for(inbox, address: str, count: int) -> list:  # noqa: F811
    deadline = time.monotonic() + 5
    while len(inbox.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.to(address)


def test_a_reader_confirms_hears_of_an_approved_reply_and_unsubscribes(
        live_server, page, thread, inbox, monkeypatch):  # noqa: F811
    monkeypatch.setitem(live_server.app.config, "SMTP_URL", inbox.url)
    monkeypatch.setitem(live_server.app.config, "PUBLIC_BASE_URL", live_server.url)
    live_server.news_page(page, thread=thread)
    page.get_by_role("textbox", name="Comment", exact=True).fill("Tell me when you answer.")
    page.get_by_role("textbox", name="Name", exact=True).fill("Ann Reader")
    page.get_by_role("textbox", name="Email", exact=True).fill("ann.browser@example.com")
    page.get_by_label("Notify me of replies by email").check()
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("status")).to_have_text("Your comment has been published.")

    [confirmation] = wait_for(inbox, "ann.browser@example.com", 1)
    page.goto(live_server.url + link_in(confirmation, "/notifications/confirm"))
    expect(page.get_by_text("you will get an email when someone replies")).to_be_visible()

    listed = live_server.app.test_client().get(
        f"/api/v1/comments?site=news&thread={thread}").get_json()
    held = live_server.post_comment(thread=thread, parent_id=listed["comments"][0]["id"],
                                    author_name="Bob", body=f"A {HELD_WORD} answers you.")
    assert len(wait_for(inbox, "ann.browser@example.com", 2)) == 1  # held: nothing yet
    live_server.decide(held["id"])
    notification = wait_for(inbox, "ann.browser@example.com", 2)[1]
    assert "Bob replied" in notification.get_body(("plain",)).get_content()

    page.goto(live_server.url + link_in(notification, "/notifications/unsubscribe"))
    page.get_by_role("button", name="Stop all email from this site").click()
    expect(page.get_by_text("no more email will be sent to you")).to_be_visible()
