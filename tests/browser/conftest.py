"""Browser tests: the real app on a live server, driven through Debian's Chromium by Playwright.

The service listens on http://127.0.0.1:<port>. News pages that embed the
widget come from a second little server on another port, so the widget runs
cross-origin as on a real news site. Without Chromium these tests skip, except in CI (``CI``
set), where they fail.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from moderation import demo
from moderation.extensions import db
from moderation.review.moderators import create_moderator
from moderation.sites import create_site
from tests.conftest import comment_payload, make_app

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS = Path(__file__).resolve().parents[2] / "docs"
HELD_WORD = "lawsuit"
# Records anything a payload manages to run: dialogs, and pushes onto window.__pwned.
XSS_TRAP = """
window.__pwned = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__pwned.push(name + ':' + args.join(' ')); return null; };
}
"""
NEWS_PAGE = """<!doctype html>
<html lang="$lang"><head><meta charset="utf-8"><title>$title</title><style>$css</style></head>
<body>
<header id="masthead"><h1>The Daily Example</h1></header>
<main id="story"><h2 class="headline">$title</h2><p class="lede">The article text.</p>
$before<div id="comments"></div>$after</main>
<footer id="footer"><p>Footer</p></footer>
$script
</body></html>"""


class NewsSite:
    """A WSGI app serving the article pages tests put on it: the host of the widget."""

    def __init__(self):
        self.pages: dict[str, str] = {}

    def __call__(self, environ, start_response):
        html = self.pages.get(environ["PATH_INFO"])
        status = "200 OK" if html is not None else "404 Not Found"
        start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                                ("Cache-Control", "no-store")])
        return [(html or "not found").encode()]


@dataclass
class LiveServer:
    app: Flask
    url: str  # the service
    news: NewsSite
    news_origin: str  # the news site embedding the widget
    moderator_token: str  # may moderate every site
    demo_token: str  # the demo moderator's, for the demo site only

    def post_comment(self, **fields) -> dict:
        """Submit through the public API, as the widget would; returns the 202 body."""
        response = self.app.test_client().post(
            "/api/v1/comments", json=comment_payload(**fields),
            headers={"Origin": self.news_origin})
        assert response.status_code == 202, response.get_json()
        return response.get_json()

    def decide(self, comment_id: str, decision: str = "approve") -> None:
        response = self.app.test_client().post(
            f"/api/v1/moderation/comments/{comment_id}/decision", json={"decision": decision},
            headers={"Authorization": f"Bearer {self.moderator_token}"})
        assert response.status_code == 200, response.get_json()

    def new_site(self, **policy) -> str:
        """A site of the calling test's own, so its queue holds only that test's comments."""
        site_id = f"site-{uuid.uuid4().hex[:10]}"
        with self.app.app_context():
            create_site(site_id, site_id, [self.url, self.news_origin],
                        **{"flood_interval_seconds": 0, **policy})
        return site_id

    def sign_in(self, page, site: str, token: str | None = None) -> None:
        """Open the review page and paste a moderator token."""
        page.goto(f"{self.url}/moderate/?site={site}")
        page.get_by_label("Moderator token").fill(token or self.moderator_token)
        page.get_by_role("button", name="Open the queue").click()
        from playwright.sync_api import expect

        expect(page.get_by_role("tab", name="Queue")).to_be_visible()

    def news_page(self, page, *, site: str = "news", thread: str, css: str = "",
                  widget: bool = True, before: str = "", after: str = "",
                  path: str = "/article", attributes: dict[str, str] | None = None,
                  html_lang: str = "en") -> None:
        """Open a news article at ``path`` on the news origin, embedding the widget (with
        ``attributes`` on its script tag, such as ``data-theme``)."""
        extra = "".join(f' {name}="{value}"' for name, value in (attributes or {}).items())
        script = (f'<script src="{self.url}/embed.js" data-site="{site}" '
                  f'data-thread="{thread}"{extra} async></script>') if widget else ""
        html = (NEWS_PAGE.replace("$lang", html_lang)
                .replace("$title", "City council passes the budget")
                .replace("$css", css).replace("$before", before).replace("$after", after)
                .replace("$script", script))
        path = f"{path}/{uuid.uuid4().hex}"
        self.news.pages[path] = html
        page.goto(self.news_origin + path)
        if widget:
            from playwright.sync_api import expect

            # loaded: the count heading, in whatever language the widget speaks, has words
            expect(page.locator("#comments h2")).not_to_be_empty()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    tmp_path = tmp_path_factory.mktemp("live")
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = make_app(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, monkeypatch)
        news = NewsSite()
        servers = [make_server("127.0.0.1", 0, app, threaded=True),
                   make_server("127.0.0.1", 0, news, threaded=True)]
        url, news_origin = (f"http://127.0.0.1:{server.server_port}" for server in servers)
        with app.app_context():
            origins = [url, news_origin]
            create_site("news", "Daily Example", origins, flood_interval_seconds=0,
                        held_words=[HELD_WORD])
            create_site("quiet", "Premoderated", origins, flood_interval_seconds=0,
                        premoderate=True)
            create_site("slow", "Flood-limited", origins, flood_interval_seconds=60)
            demo.seed_site(origins)
            demo.seed_comments()
            demo_token = demo.issue_moderator_token()
            token = create_moderator("reviewer", None, "moderator")[1]
        threads = [threading.Thread(target=server.serve_forever, daemon=True)
                   for server in servers]
        for thread in threads:
            thread.start()
        yield LiveServer(app, url, news, news_origin, token, demo_token)
        for server, thread in zip(servers, threads, strict=True):
            server.shutdown()
            thread.join()
            server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser) -> Iterator[Callable]:
    """Browser contexts are separate readers: their own localStorage and sessionStorage."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"locale": "en-US", "timezone_id": "UTC",
                                         "viewport": {"width": 1100, "height": 900}, **options})
        context.set_default_timeout(5000)
        context.add_init_script(XSS_TRAP)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def thread(request) -> str:
    """A thread of this test's own on the shared server."""
    return f"{request.node.name[:60]}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def readme_screenshots(artifacts) -> Path:
    """Where the README's screenshots are taken: docs/ only when REFRESH_SCREENSHOTS=1 asks,
    else test-artifacts/, so a test run leaves the tracked images alone."""
    if os.environ.get("REFRESH_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        return DOCS
    return artifacts


def widget_form(page, *, body: str = "", name: str = "", email: str = "", website: str = ""):
    """Fill the Leave A Reply form by its labels and press Post Comment."""
    page.get_by_role("textbox", name="Comment", exact=True).fill(body)
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("textbox", name="Email", exact=True).fill(email)
    page.get_by_role("textbox", name="Website", exact=True).fill(website)
    page.get_by_role("button", name="Post Comment").click()


def pwned(page) -> list[str]:
    return page.evaluate("window.__pwned")


def focused_id(page, host: str = "#comments") -> str:
    """The id of what has focus inside the widget's shadow root."""
    return page.evaluate("host => document.querySelector(host).shadowRoot.activeElement?.id || ''",
                         host)
