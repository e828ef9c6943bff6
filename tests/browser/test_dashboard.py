"""The review page's Dashboard tab: charts drawn from a site's real decisions, numbers beside."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from tests.browser.conftest import HELD_WORD

pytestmark = pytest.mark.integration


def spread_over_hours(app, site: str) -> None:
    """As if the site's comments came over the last hours: each comment's log moves back by
    as many hours as its place in line, so the charts have a shape to draw."""
    with app.app_context():
        comments = db.session.scalars(select(Comment).where(Comment.site_id == site)
                                      .order_by(Comment.id.desc())).all()
        for hours, comment in enumerate(comments):
            back = timedelta(hours=hours % 12)
            comment.created_at -= back + timedelta(minutes=7)
            for change in db.session.scalars(select(StatusChange).where(
                    StatusChange.comment_id == comment.id)):
                change.created_at -= back
                change.comment_created_at = comment.created_at
        db.session.commit()


def test_the_dashboard_draws_a_sites_decisions_with_the_numbers_beside(
        live_server, new_context, readme_screenshots):
    site = live_server.new_site(premoderate=True, held_words=[HELD_WORD])
    posted = [live_server.post_comment(site=site, thread="dashboard", author_name=f"Reader {n}",
                                       body=f"Comment {n}" + (f" on the {HELD_WORD}" if n % 3
                                                              else ""))["id"]
              for n in range(12)]
    for comment_id in posted[:6]:
        live_server.decide(comment_id, "approve")
    live_server.decide(posted[6], "reject")
    live_server.decide(posted[7], "spam")
    live_server.decide(posted[0], "takedown")
    spread_over_hours(live_server.app, site)

    page = new_context().new_page()
    problems = []
    # a CSP refusal or script error is a console error; a missing asset a failed response
    # (the browser's own favicon request is neither: Playwright does not report it)
    page.on("console", lambda message: message.type == "error" and not message.text.startswith(
        "Failed to load resource") and problems.append(message.text))
    page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
    live_server.sign_in(page, site)
    page.get_by_role("tab", name="Queue").press("ArrowRight")
    page.get_by_role("tab", name="Audit").press("ArrowRight")
    dashboard = page.get_by_role("tabpanel", name="Dashboard")
    expect(page.get_by_role("tab", name="Dashboard")).to_be_focused()
    expect(page.get_by_role("tab", name="Dashboard")).to_have_attribute("aria-selected", "true")

    outcomes = dashboard.get_by_role("region", name="Comments by outcome, as numbers")
    whole = outcomes.get_by_role("row", name="Whole period")
    expect(whole.get_by_role("cell")).to_have_text(["6", "12", "1", "1", "1"])
    deciders = dashboard.get_by_role("region", name="Automatic and moderator decisions, as "
                                                    "numbers")
    expect(deciders.get_by_role("row", name="Whole period").get_by_role("cell")).to_have_text(
        ["12", "9"])
    expect(outcomes.get_by_role("row")).to_have_count(1 + 169 + 1)  # heading, 7 days + 1, total
    reasons = dashboard.get_by_role("region", name="Top reasons comments were held, as numbers")
    expect(reasons.get_by_role("row", name="Pre-moderation").get_by_role("cell")).to_have_text("12")
    expect(reasons.get_by_role("row", name="Word lists").get_by_role("cell")).to_have_text("8")
    expect(dashboard.locator("dd").first).to_contain_text("4, oldest since")
    waits = dashboard.get_by_role("region", name="Time from submission to decision, as numbers")
    whole_waits = waits.get_by_role("row", name="Whole period").get_by_role("cell")
    expect(whole_waits).to_have_text(["7 min", "7 min"])
    for chart in ("outcomes", "deciders", "waits", "reasons"):
        expect(page.locator(f"#plot-{chart} canvas")).to_have_count(1)
    expect(page.locator("#plot-outcomes .u-legend")).to_contain_text("Taken down")

    page.get_by_label("Period").select_option("30")
    expect(outcomes.get_by_role("row")).to_have_count(1 + 31 + 1)
    page.get_by_label("Period").select_option("1")
    expect(outcomes.get_by_role("row")).to_have_count(1 + 25 + 1)
    assert problems == []  # nothing refused by the page's CSP, no script error
    page.get_by_label("Period").select_option("7")
    expect(outcomes.get_by_role("row")).to_have_count(1 + 169 + 1)
    page.get_by_role("status").evaluate("live => { live.textContent = ''; }")
    page.locator("#panel-dashboard").screenshot(path=readme_screenshots / "dashboard.png")


def test_sub_second_decisions_read_in_milliseconds(live_server, page):
    """Scoring decides in well under a second: those waits read "… ms", not "0 s"."""
    site = live_server.new_site()
    for n in range(3):
        assert live_server.post_comment(site=site, thread="fast", body=f"Quick {n}")[
            "status"] == "approved"
    live_server.sign_in(page, site)
    page.get_by_role("tab", name="Dashboard").click()
    waits = page.get_by_role("region", name="Time from submission to decision, as numbers")
    expect(waits.get_by_role("row", name="Whole period").get_by_role("cell")).to_have_text(
        [re.compile(r"^\d+ ms$")] * 2)
