"""axe-core (the axe-playwright-python package's bundled copy) on the review page and the widget:
no serious or critical violation in any view a moderator or a reader works in."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import HELD_WORD
from tests.browser.test_review_page import set_scores

pytestmark = pytest.mark.integration
BLOCKING = ("serious", "critical")


def blocking_violations(page, context: str | None = None) -> list[str]:
    """What axe finds serious or critical, one line per rule with the elements it names."""
    results = Axe().run(page, context=context)
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']]}"
            for violation in results.response["violations"] if violation["impact"] in BLOCKING]


@pytest.fixture
def busy_site(live_server) -> str:
    """A site whose queue shows everything a card can: scores, reasons, marked terms, history,
    a verified-looking author with a website; and a decided past for the audit and dashboard."""
    site = live_server.new_site(held_words=[HELD_WORD])
    author = "regular@example.com"
    approved = live_server.post_comment(site=site, thread="a11y", author_email=author,
                                        body="A fair point.")
    held = live_server.post_comment(
        site=site, thread="a11y", author_email=author, author_name="Regular Reader",
        author_url="https://reader.example/", body=f"Cheap pills and a {HELD_WORD} for *all*!")
    set_scores(live_server.app, held["id"], spam=0.83, toxicity=0.64, terms=["Cheap pills"])
    live_server.post_comment(site=site, thread="a11y", author_name="Unscored",
                             body=f"Another {HELD_WORD}.")
    live_server.decide(approved["id"], "takedown")
    return site


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "ar-EG"])
def test_the_review_pages_views_have_no_serious_violations(live_server, new_context, busy_site,
                                                           locale):
    page = new_context(locale=locale).new_page()
    page.goto(f"{live_server.url}/moderate/?site={busy_site}")
    expect(page.locator("#token")).to_be_focused()
    page.keyboard.press("Enter")  # nothing pasted yet: the form says what is missing
    expect(page.locator("#sign-in-error")).not_to_be_empty()
    assert blocking_violations(page) == [], "sign-in form"

    page.locator("#token").fill(live_server.moderator_token)
    page.locator("#sign-in button[type=submit]").click()
    expect(page.locator(".queue .item")).to_have_count(2)
    page.locator(".queue .item details").first.locator("summary").click()  # "as published"
    page.locator(".queue .item .ban").first.click()  # armed: "Confirm ban", said aloud
    page.locator(".queue .item .pick").first.check()
    assert blocking_violations(page) == [], "queue"
    page.locator("#status").select_option("spam")
    expect(page.locator("#queue-empty")).to_be_visible()
    assert blocking_violations(page) == [], "empty queue"

    page.locator("#tab-audit").click()
    expect(page.locator("#audit tr").first).to_be_visible()
    assert blocking_violations(page) == [], "audit"

    page.locator("#tab-dashboard").click()
    for chart in ("outcomes", "deciders", "waits", "reasons"):
        expect(page.locator(f"#plot-{chart} canvas")).to_have_count(1)
    expect(page.locator("#table-outcomes table")).to_be_visible()
    assert blocking_violations(page) == [], "dashboard"


@pytest.mark.parametrize(("attributes", "background", "direction"), [
    ({}, "rgb(255, 255, 255)", "ltr"),
    ({"data-theme": "dark"}, "rgb(13, 17, 23)", "ltr"),
    ({"data-lang": "ar"}, "rgb(255, 255, 255)", "rtl"),
], ids=["light", "dark", "rtl"])
def test_the_widget_has_no_serious_violations(live_server, page, thread, attributes, background,
                                              direction):
    live_server.post_comment(site="news", thread=thread, author_name="First Reader",
                             body="A **published** comment with [a link](https://example.com/).")
    live_server.news_page(page, thread=thread, attributes=attributes)
    widget = page.locator("#comments .lar")  # what the reader sees is the variant asked for
    expect(widget).to_have_css("background-color", background)
    expect(widget).to_have_css("direction", direction)
    page.locator("#comments").evaluate("host => host.shadowRoot.querySelector('form')"
                                       ".requestSubmit()")  # every field's error shown
    expect(page.locator("#comments [aria-invalid=true]")).not_to_have_count(0)
    assert blocking_violations(page, "#comments") == []
