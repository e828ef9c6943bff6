"""The review page: sign in with a token, the queue riskiest first, decisions by key and in bulk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment
from tests.browser.conftest import HELD_WORD, pwned, widget_form

pytestmark = pytest.mark.integration


def queue_items(page):
    return page.locator(".queue .item")


def set_scores(app, comment_id: str, spam: float, toxicity: float, terms: list[str]) -> None:
    """What the ML models will record: scores, and the terms that drove them."""
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == comment_id))
        comment.scores = {"spam": spam, "toxicity": toxicity}
        comment.risk = max(spam, toxicity)
        comment.reasons = [*comment.reasons, {"check": "models", "terms": terms}]
        db.session.commit()


def test_a_moderator_approves_a_held_comment_and_it_appears_in_the_readers_widget(
        live_server, new_context, thread):
    site = live_server.new_site(held_words=[HELD_WORD])
    reader = new_context().new_page()
    live_server.news_page(reader, site=site, thread=thread)
    widget_form(reader, body=f"The {HELD_WORD} will drag on for years.", name="Patient Reader",
                email="patient@example.com")
    expect(reader.locator("#comments")).to_contain_text("Your comment is awaiting moderation")

    moderator = new_context().new_page()
    live_server.sign_in(moderator, site)
    expect(queue_items(moderator)).to_have_count(1)
    item = queue_items(moderator).first
    expect(item).to_contain_text("The lawsuit will drag on for years.")
    expect(item.locator(".text mark")).to_have_text(HELD_WORD)
    moderator.keyboard.press("a")
    expect(queue_items(moderator)).to_have_count(0)
    expect(moderator.get_by_role("status")).to_have_text(
        "Approved: comment by Patient Reader.")

    reader.reload()
    published = reader.locator("#comments article").filter(has_text="will drag on")
    expect(published).to_be_visible()
    expect(published).not_to_contain_text("awaiting moderation")
    expect(reader.locator("#comments h2")).to_have_text("1 Comment")


def test_the_queue_shows_scores_reasons_terms_and_author_history(
        live_server, page, artifacts):
    site = live_server.new_site(held_words=[HELD_WORD])
    author = "regular@example.com"
    live_server.post_comment(site=site, thread="budget", author_email=author,
                             body="A fair point about the budget.")
    calm = live_server.post_comment(site=site, thread="budget", author_email="calm@example.com",
                                    author_name="Calm Reader",
                                    body=f"Is a {HELD_WORD} really the answer here?")
    risky = live_server.post_comment(
        site=site, thread="budget", author_email=author, author_name="Regular Reader",
        body=f"Cheap pills here, and a {HELD_WORD} for the idiots on the council!")
    set_scores(live_server.app, risky["id"], spam=0.83, toxicity=0.64,
               terms=["cheap pills", "idiots"])
    set_scores(live_server.app, calm["id"], spam=0.04, toxicity=0.12, terms=["a"])

    live_server.sign_in(page, site)
    expect(queue_items(page)).to_have_count(2)
    first = queue_items(page).first  # riskiest first
    expect(first.locator(".author")).to_have_text("Regular Reader")
    expect(first.locator(".email")).to_have_text("r***@e***.com")
    expect(first.locator(".history")).to_have_text(
        "Author history: 1 approved · 1 held · 0 rejected · 0 spam")
    expect(first.get_by_label("Spam score")).to_have_attribute("value", "0.83")
    expect(first.get_by_label("Toxicity score")).to_have_attribute("value", "0.64")
    expect(first.locator(".score-value")).to_have_text(["83%", "64%"])
    expect(first.locator(".text mark")).to_have_text(["Cheap pills", HELD_WORD, "idiots"])
    # each check and each reason in the catalog's words; these models reasons have no fields
    expect(first.locator(".reasons li")).to_have_text([
        f"Word lists — on the held words list: {HELD_WORD}", "Models cheap pills idiots"])
    # whole words only: not the a inside "lawsuit", "really" and "answer"
    expect(queue_items(page).nth(1).locator(".text mark")).to_have_text(["a", HELD_WORD])
    page.screenshot(path=artifacts / "review-page.png", full_page=True)


def test_keyboard_moves_with_j_and_k_and_decides_with_a_r_and_s(live_server, page):
    site = live_server.new_site(premoderate=True)
    for name in ("Ana", "Ben", "Cy", "Dee"):
        live_server.post_comment(site=site, thread="keys", author_name=name,
                                 body=f"{name} has something to say.")
    live_server.sign_in(page, site)
    page.get_by_label("Order").select_option("oldest")
    expect(queue_items(page).locator(".author")).to_have_text(["Ana", "Ben", "Cy", "Dee"])
    current = page.locator(".queue .item.current .author")
    expect(current).to_have_text("Ana")

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(current).to_have_text("Cy")
    page.keyboard.press("k")
    expect(current).to_have_text("Ben")
    page.keyboard.press("r")
    expect(queue_items(page).locator(".author")).to_have_text(["Ana", "Cy", "Dee"])
    expect(current).to_have_text("Cy")
    page.keyboard.press("s")
    expect(current).to_have_text("Dee")
    page.keyboard.press("k")
    page.keyboard.press("a")
    expect(queue_items(page).locator(".author")).to_have_text(["Dee"])

    page.get_by_role("tab", name="Audit").click()
    rows = page.locator("#audit tr")
    expect(rows.filter(has_text="moderator:reviewer")).to_have_count(3)
    expect(rows.filter(has_text="spam")).to_have_count(1)
    expect(rows.filter(has_text="rejected")).to_have_count(1)
    assert pwned(page) == []


def test_a_moderator_bans_an_author_in_two_presses_and_their_next_comment_is_rejected(
        live_server, page):
    site = live_server.new_site(premoderate=True)
    live_server.post_comment(site=site, thread="ban", author_name="Troll",
                             author_email="troll@example.com", body="Buy followers here.")
    live_server.sign_in(page, site)
    expect(queue_items(page)).to_have_count(1)

    page.get_by_role("button", name="Ban author").click()  # only asks
    expect(page.get_by_role("status")).to_have_text(
        "Press Confirm ban to ban Troll: their future comments on this site will be rejected.")
    assert live_server.post_comment(site=site, thread="ban", author_email="troll@example.com",
                                    body="Still here.")["status"] == "held"

    page.keyboard.press("b")  # confirms
    expect(page.get_by_role("status")).to_have_text(
        "Banned Troll: their future comments will be rejected.")
    expect(page.get_by_role("button", name="Author banned")).to_be_disabled()
    expect(queue_items(page)).to_have_count(1)  # the comment itself still awaits a decision
    assert live_server.post_comment(site=site, thread="ban", author_email="troll@example.com",
                                    body="Back again.")["status"] == "rejected"
    assert pwned(page) == []


def test_a_published_comment_is_taken_down_and_leaves_the_readers_widget(
        live_server, new_context, thread):
    site = live_server.new_site()
    live_server.post_comment(site=site, thread=thread, author_name="Regretful",
                             body="Something I should not have published.")
    reader = new_context().new_page()
    live_server.news_page(reader, site=site, thread=thread)
    expect(reader.locator("#comments h2")).to_have_text("1 Comment")

    moderator = new_context().new_page()
    live_server.sign_in(moderator, site)
    moderator.get_by_label("Status").select_option("approved")
    item = queue_items(moderator).filter(has_text="should not have published")
    expect(item.get_by_role("button", name="Take down")).to_be_visible()
    expect(item.get_by_role("button", name="Approve")).to_have_count(0)
    moderator.keyboard.press("t")
    expect(queue_items(moderator)).to_have_count(0)
    expect(moderator.get_by_role("status")).to_have_text("Taken down: comment by Regretful.")

    reader.reload()
    expect(reader.locator("#comments h2")).to_have_text("0 Comments")
    expect(reader.locator("#comments")).not_to_contain_text("should not have published")


def test_selected_comments_are_decided_in_bulk(live_server, page):
    site = live_server.new_site(premoderate=True)
    for number in range(3):
        live_server.post_comment(site=site, thread="bulk", body=f"Bulk comment {number}.")
    keep = live_server.post_comment(site=site, thread="bulk", body="Leave me for later.")
    live_server.sign_in(page, site)
    expect(queue_items(page)).to_have_count(4)

    page.get_by_label("Select all").check()
    expect(page.get_by_label("Select comment by Jane Reader")).to_have_count(4)
    page.locator(f".item[data-id='{keep['id']}'] .pick").uncheck()
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    page.get_by_role("button", name="Spam selected").click()

    expect(queue_items(page)).to_have_count(1)
    expect(queue_items(page)).to_contain_text("Leave me for later.")
    expect(page.get_by_role("status")).to_have_text("Marked as spam: 3.")
    expect(page.get_by_role("button", name="Spam selected")).to_be_disabled()


def test_the_token_is_kept_for_this_tab_only_and_a_bad_one_is_refused(live_server, page):
    page.goto(f"{live_server.url}/moderate/?site=news")
    page.get_by_label("Moderator token").fill("mod_not-a-real-token")
    page.get_by_role("button", name="Open the queue").click()
    expect(page.get_by_role("alert")).to_contain_text("That token is not valid")

    live_server.sign_in(page, "news")
    assert page.evaluate("sessionStorage.getItem('moderation.token')") == (
        live_server.moderator_token)
    assert page.evaluate("localStorage.length") == 0
    page.reload()
    expect(page.get_by_role("tab", name="Queue")).to_be_visible()

    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/moderate/")
    expect(other_tab.get_by_label("Moderator token")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Moderator token")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('moderation.token')") is None


def test_a_site_token_cannot_open_another_sites_queue(live_server, page):
    page.goto(f"{live_server.url}/moderate/?site=news")
    page.get_by_label("Moderator token").fill(live_server.demo_token)
    page.get_by_role("button", name="Open the queue").click()
    expect(page.get_by_role("alert")).to_have_text('This token may not moderate the site "news".')
