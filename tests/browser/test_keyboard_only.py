"""Keyboard only, end to end: a reader posts on the demo article and a moderator decides it,
with nothing but Tab, Shift+Tab, Enter, Space, the review page's keys and typing; every control
that takes focus on the way shows that it has it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from moderation import demo
from tests.browser.conftest import pwned

pytestmark = pytest.mark.integration

# What has focus, through shadow roots, and whether it shows it: :focus-visible with an outline
# (the browser's own ring on the demo article's links; in the widget and on the review page,
# ours).
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  const style = getComputedStyle(el);
  return { id: el.id, tag: el.tagName.toLowerCase(), text: el.textContent.trim().slice(0, 40),
           shown: el.matches(':focus-visible') && style.outlineStyle !== 'none',
           ring: style.outlineStyle === 'solid' ? parseFloat(style.outlineWidth) : 0,
           ours: el.getRootNode() !== document || location.pathname.startsWith('/moderate/') };
}"""
OUR_RING = 3  # px: review.css and the widget's :focus-visible


def press(page, key: str) -> dict:
    """Press a key; what has focus afterwards must show it (ours with our ring)."""
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused["shown"], focused
    assert not focused["ours"] or focused["ring"] >= OUR_RING, focused
    return focused


def tab_to(page, element_id: str, key: str = "Tab", limit: int = 40) -> list[dict]:
    """Tab (or ``key``, Shift+Tab say) until ``element_id`` has focus; returns every stop."""
    stops = [press(page, key)]
    while stops[-1]["id"] != element_id:
        assert len(stops) < limit, stops
        stops.append(press(page, key))
    return stops


def test_a_reader_posts_and_a_moderator_decides_with_the_keyboard_alone(
        live_server, new_context):
    body = f"Typed without a mouse: will the {demo.HELD_WORDS[0]} delay the café?"
    reader = new_context().new_page()
    reader.goto(live_server.url + "/")
    expect(reader.locator("#comments h2")).to_have_text("3 Comments")
    stops = tab_to(reader, "lar-body")
    assert any(stop["tag"] == "a" for stop in stops)  # the article's links come first
    reader.keyboard.type(body)
    for field, text in (("lar-author_name", "Keyboard Reader"),
                        ("lar-author_email", "keys@example.com")):
        assert press(reader, "Tab")["id"] == field
        reader.keyboard.type(text)
    assert press(reader, "Tab")["id"] == "lar-author_url"
    assert press(reader, "Shift+Tab")["id"] == "lar-author_email"  # and back
    tab_to(reader, "lar-notify")
    assert press(reader, "Tab")["text"] == "Post Comment"
    reader.keyboard.press("Enter")
    mine = reader.locator("#comments article").filter(has_text="Typed without a mouse")
    expect(mine).to_contain_text("Your comment is awaiting moderation")

    moderator = new_context().new_page()
    moderator.goto(f"{live_server.url}/moderate/?site={demo.DEMO_SITE}")
    expect(moderator.locator("#token")).to_be_focused()  # the page starts where work starts
    moderator.keyboard.type(live_server.demo_token)
    assert press(moderator, "Tab")["id"] == "site"  # already the demo site, from the link
    assert press(moderator, "Tab")["text"] == "Open the queue"
    moderator.keyboard.press("Space")
    expect(moderator.locator(".queue .item")).not_to_have_count(0)
    current = moderator.locator(".queue .item.current")
    expect(current).to_be_focused()
    for _ in range(10):  # j through the queue to the reader's comment
        if "Typed without a mouse" in current.inner_text():
            break
        press(moderator, "j")
    expect(current).to_contain_text("Typed without a mouse")
    expect(current.locator(".text mark")).to_have_text(demo.HELD_WORDS[0])
    press(moderator, "r")
    expect(moderator.get_by_role("status")).to_have_text(
        "Rejected: comment by Keyboard Reader.")
    expect(moderator.locator(".queue")).not_to_contain_text("Typed without a mouse")

    tab_to(moderator, "tab-queue", "Shift+Tab")  # back up past the toolbar to the tabs
    assert press(moderator, "ArrowRight")["id"] == "tab-audit"
    audit = moderator.locator("#audit tr").first
    expect(audit).to_contain_text("rejected")
    expect(audit).to_contain_text("moderator:demo-moderator")
    assert pwned(reader) == [] and pwned(moderator) == []
