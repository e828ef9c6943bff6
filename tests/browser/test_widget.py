"""The comment widget on a news page: reading, posting, errors, replies, the author's own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HELD_WORD, focused_id, pwned, widget_form

pytestmark = pytest.mark.integration


def comments(page):
    return page.locator("#comments article")


def test_a_reader_posts_a_comment_and_sees_it_appear(live_server, page, thread):
    live_server.news_page(page, thread=thread)
    expect(page.locator("#comments h2")).to_have_text("0 Comments")

    widget_form(page, body="The *new* bus lanes work.", name="Jane Reader",
                email="jane@example.com", website="https://jane.example/")

    comment = comments(page).filter(has_text="The new bus lanes work.")
    expect(comment).to_be_visible()
    expect(comment.locator("em")).to_have_text("new")
    expect(comment.get_by_role("link", name="Jane Reader")).to_have_attribute(
        "rel", "nofollow ugc noopener")
    expect(page.locator("#comments h2")).to_have_text("1 Comment")
    expect(page.get_by_role("status")).to_have_text("Your comment has been published.")
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value("")
    assert "jane@example.com" not in page.locator("#comments").inner_text()


def test_each_required_field_error_shows_next_to_it(live_server, page, thread):
    live_server.news_page(page, thread=thread)

    widget_form(page, body="  ", email="not an address")

    for label, message in (("Comment", "Please fill in this field."),
                           ("Name", "Please fill in this field."),
                           ("Email", "Not a valid email address.")):
        field = page.get_by_role("textbox", name=label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        error = page.locator(f"#{field.get_attribute('aria-describedby')}")
        expect(error).to_have_text(message)
        # next to it: the error is the element right after its field
        assert field.evaluate("el => el.nextElementSibling.id") == error.get_attribute("id")
    website = page.get_by_role("textbox", name="Website", exact=True)
    expect(website).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("status")).to_have_text("Please correct the marked fields.")
    assert focused_id(page) == "lar-body"


def test_a_held_comment_shows_awaiting_moderation_to_its_author_only(
        live_server, new_context, thread):
    reader = new_context().new_page()
    live_server.news_page(reader, thread=thread)
    widget_form(reader, body=f"They should face a {HELD_WORD} for this.", name="Held Author",
                email="held@example.com")

    mine = comments(reader).filter(has_text="They should face a")
    expect(mine).to_contain_text("Your comment is awaiting moderation")
    expect(reader.get_by_role("status")).to_have_text(
        "Thank you. Your comment is awaiting moderation.")
    expect(reader.locator("#comments h2")).to_have_text("0 Comments")
    reader.reload()
    expect(mine).to_contain_text("Your comment is awaiting moderation")
    expect(mine.get_by_role("button", name="Edit")).to_be_visible()
    expect(mine.get_by_role("button", name="Delete")).to_be_visible()
    expect(mine.get_by_role("button", name="Reply")).to_have_count(0)

    stranger = new_context().new_page()
    live_server.news_page(stranger, thread=thread)
    expect(stranger.locator("#comments h2")).to_have_text("0 Comments")
    expect(comments(stranger)).to_have_count(0)
    expect(stranger.locator("#comments")).not_to_contain_text("They should face a")


def test_replies_are_indented_under_their_parent(live_server, page, thread):
    parent = live_server.post_comment(site="news", thread=thread, body="The first word.",
                                      author_name="First Reader")
    live_server.news_page(page, thread=thread)

    page.get_by_role("button", name="Reply to First Reader").click()
    expect(page.locator("#lar-reply")).to_have_text("Reply to First Reader")
    assert focused_id(page) == "lar-body"
    widget_form(page, body="And the second.", name="Second Reader", email="second@example.com")

    reply = page.locator(f"#lar-c-{parent['id']} + ol.kids article")
    expect(reply).to_contain_text("And the second.")
    indent = reply.evaluate("el => el.getBoundingClientRect().left")
    top = page.locator(f"#lar-c-{parent['id']}").evaluate("el => el.getBoundingClientRect().left")
    assert indent > top + 10
    expect(page.locator("#lar-reply")).to_have_text("Leave A Reply")


def test_sort_and_load_more(live_server, page, thread):
    for number in range(52):
        live_server.post_comment(site="news", thread=thread, body=f"Comment number {number}.",
                                 author_email=f"sorter{number}@example.com")
    live_server.news_page(page, thread=thread)

    expect(page.locator("#comments h2")).to_have_text("52 Comments")
    expect(comments(page)).to_have_count(50)
    expect(comments(page).first).to_contain_text("Comment number 0.")
    page.get_by_role("button", name="Load more comments").click()
    expect(comments(page)).to_have_count(52)
    expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()

    page.get_by_label("Sort by").select_option("newest")
    expect(comments(page).first).to_contain_text("Comment number 51.")
    expect(comments(page)).to_have_count(50)


def test_a_duplicate_and_a_flood_get_readable_messages(live_server, page, thread):
    live_server.news_page(page, site="slow", thread=thread)
    widget_form(page, body="Once is enough.", name="Repeat Reader", email="repeat@example.com")
    expect(page.get_by_role("status")).to_have_text("Your comment has been published.")

    page.get_by_role("textbox", name="Comment", exact=True).fill("Once is enough.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("status")).to_have_text("You have already posted this comment here.")

    page.get_by_role("textbox", name="Comment", exact=True).fill("Something new.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^You are posting too fast\. Please wait \d+ seconds and try again\.$"))


def test_the_author_edits_and_deletes_within_the_edit_window(live_server, page, thread):
    live_server.news_page(page, thread=thread)
    widget_form(page, body="Frist!", name="Typo Reader", email="typo@example.com")
    mine = comments(page).filter(has_text="Frist!")
    expect(mine).to_be_visible()

    mine.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("textbox", name="Edit your comment")
    expect(editor).to_have_value("Frist!")
    editor.fill("First!")
    page.get_by_role("button", name="Save").click()
    expect(comments(page).filter(has_text="First!")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Your comment has been published.")

    comments(page).filter(has_text="First!").get_by_role("button", name="Delete").click()
    expect(comments(page).filter(has_text="First!")).to_contain_text("Delete this comment?")
    page.get_by_role("button", name="Yes, delete").click()
    expect(comments(page)).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("Your comment has been deleted.")
    assert pwned(page) == []


def test_others_cannot_edit_or_delete(live_server, page, thread):
    live_server.post_comment(site="news", thread=thread, body="Someone else's words.")
    live_server.news_page(page, thread=thread)
    expect(comments(page)).to_have_count(1)
    expect(comments(page).get_by_role("button", name="Edit")).to_have_count(0)
    expect(comments(page).get_by_role("button", name="Delete")).to_have_count(0)


def test_the_honeypot_is_hidden_from_humans_and_screen_readers(live_server, page, thread):
    live_server.news_page(page, thread=thread)
    honeypot = page.locator("#comments input[name=nickname]")
    expect(honeypot).to_have_attribute("tabindex", "-1")
    assert honeypot.evaluate("el => el.closest('[aria-hidden=true]') !== null")
    box = honeypot.bounding_box()
    assert box["x"] + box["width"] <= 0
    expect(page.get_by_role("textbox")).to_have_count(4)  # comment, name, email, website
    expect(page.locator("#comments")).to_contain_text(
        "Your email address will not be published. Required fields are marked *")


def test_keyboard_only_submission(live_server, page, thread):
    live_server.news_page(page, thread=thread)
    visited = []
    for _ in range(10):
        page.keyboard.press("Tab")
        visited.append(focused_id(page))
        if visited[-1] == "lar-body":
            break
    assert visited[-1] == "lar-body", visited
    page.keyboard.type("Typed without a mouse.")
    for field, text in (("lar-author_name", "Keyboard Reader"),
                        ("lar-author_email", "keys@example.com"), ("lar-author_url", "")):
        page.keyboard.press("Tab")
        assert focused_id(page) == field
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert focused_id(page) == "lar-notify"  # the unticked "Notify me of replies" box
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('#comments').shadowRoot.activeElement"
                         ".textContent") == "Post Comment"
    page.keyboard.press("Enter")

    expect(comments(page).filter(has_text="Typed without a mouse.")).to_be_visible()
    assert "lar-nick" not in visited
