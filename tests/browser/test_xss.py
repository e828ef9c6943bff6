"""Hostile comments are inert everywhere they are shown: in the widget and on the review page.

Every payload is submitted, held (the site pre-moderates), rendered on the
review page, approved there in bulk, then rendered in the widget. A trap set
before any page script (``alert``/``confirm``/``prompt`` and ``window.__pwned``)
records anything that runs; the review page's Content-Security-Policy is
bypassed so the proof rests on the page's code, not on the policy.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pwned

pytestmark = pytest.mark.integration

PWN = "window.__pwned.push"
BODIES = [
    f"<script>{PWN}('script')</script>",
    f"<img src=x onerror=\"{PWN}('img')\">",
    f"<svg onload=\"{PWN}('svg')\">",
    f"<svg><script>{PWN}('svg-script')</script></svg>",
    f"<svg><a xlink:href=\"javascript:{PWN}('svg-a')\"><text y='20'>svg link</text></a></svg>",
    f"<iframe src=\"javascript:parent.{PWN}('iframe')\"></iframe>",
    f"<a href=\"javascript:{PWN}('a')\">click</a>",
    "<a href=\" javascript:alert('space')\">leading space</a>",
    "<a href=\"&#106;avascript:alert('entity')\">entity</a>",
    f"[markdown link](javascript:{PWN}('md'))",
    "[mixed case](JaVaScRiPt:alert('case'))",
    "[entity](&#x6A;avascript:alert('md-entity'))",
    "[angle](<javascript:alert('angle')>)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"data:text/html,<script>alert('data')</script>\">data link</a>",
    "![image](x\" onerror=\"alert('md-img'))",
    "[quote](https://example.com/\"onmouseover=\"alert('attr'))",
    "<body onload=alert('body')>",
    "<details open ontoggle=alert('details')>",
    "<input autofocus onfocus=alert('input')>",
    "<video><source onerror=\"alert('video')\"></video>",
    "<audio src=x onerror=alert('audio')>",
    "<object data=\"javascript:alert('object')\"></object>",
    "<embed src=\"data:text/html,<script>alert('embed')</script>\">",
    "<form action=\"javascript:alert('form')\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">",
    "<style>@import 'javascript:alert(\"style\")';</style>",
    "<div style=\"background:url(javascript:alert('css'))\">styled</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\">",
    "<template><img src=x onerror=alert('template')></template>",
    "<textarea><img src=x onerror=alert('textarea')></textarea>",
    "\"><img src=x onerror=alert('break-out')>",
    "<scr<script>ipt>alert('nested')</scr</script>ipt>",
    "<<script>script>alert('double')//<</script>/script>",
    "<img src=\"x\" onerror=\"alert('unclosed')\"",
    "'';!--\"<XSS>=&{()}",
    "`<img src=x onerror=alert('code-span')>`",
    "```\n<script>alert('fence')</script>\n```",
    "> <img src=x onerror=alert('quote')>",
]
NAMES = [
    "<img src=x onerror=alert('name')>",
    "\"><svg onload=alert('name2')>",
    "<script>alert('name3')</script>",
]
ALLOWED = {"P", "BR", "EM", "STRONG", "A", "BLOCKQUOTE", "CODE", "PRE"}  # rendering.py's tags
# Every element a comment's text became, with its attributes.
MARKUP_OF = """(containers) => containers.flatMap(container =>
    [...container.querySelectorAll('*')].map(el => ({
        tag: el.tagName,
        attributes: [...el.attributes].map(a => [a.name, a.value]),
    })))"""


def assert_inert(markup: list[dict]) -> None:
    for element in markup:
        assert element["tag"] in ALLOWED, element
        for name, value in element["attributes"]:
            assert element["tag"] == "A" and name in ("href", "rel"), element
            if name == "href":
                assert value.startswith(("http://", "https://")), element
            if name == "rel":
                assert value == "nofollow ugc noopener", element


def test_hostile_comments_run_nowhere(live_server, new_context):
    assert len(BODIES) >= 30
    site = live_server.new_site(premoderate=True, max_links=100)
    thread = "xss"
    for index, body in enumerate(BODIES):
        live_server.post_comment(site=site, thread=thread, body=body,
                                 author_name=NAMES[index % len(NAMES)],
                                 author_url=None if index % 2 else
                                 "https://example.com/?q=%22%3E%3Cscript%3E")

    moderator = new_context(bypass_csp=True).new_page()
    live_server.sign_in(moderator, site)
    items = moderator.locator(".queue .item")
    expect(items).to_have_count(len(BODIES))
    moderator.locator(".queue details").evaluate_all("all => all.forEach(d => d.open = true)")
    moderator.wait_for_timeout(300)  # let any deferred handler (onerror, onload) fire
    assert pwned(moderator) == []
    assert_inert(moderator.locator(".published").evaluate_all(MARKUP_OF))
    # The raw text is shown as text: only the highlighting <mark> may appear in it.
    assert set(moderator.locator(".text *").evaluate_all("els => els.map(e => e.tagName)")) <= {
        "MARK"}
    shown = items.locator(".text").all_inner_texts()
    assert sorted(text.strip() for text in shown) == sorted(body.strip() for body in BODIES)
    assert set(items.locator(".author").all_inner_texts()) == set(NAMES)

    moderator.get_by_label("Select all").check()
    moderator.get_by_role("button", name="Approve selected").click()
    expect(items).to_have_count(0)
    assert pwned(moderator) == []

    reader = new_context().new_page()
    live_server.news_page(reader, site=site, thread=thread)
    expect(reader.locator("#comments h2")).to_have_text(f"{len(BODIES)} Comments")
    articles = reader.locator("#comments article")
    expect(articles).to_have_count(len(BODIES))
    reader.wait_for_timeout(300)
    assert pwned(reader) == []
    assert_inert(reader.locator("#comments .body").evaluate_all(MARKUP_OF))
    assert set(reader.locator("#comments .name").all_inner_texts()) == set(NAMES)
    assert reader.locator("#comments .name").evaluate_all(
        "els => els.every(e => e.children.length === 0)")
    for link in reader.locator("#comments a.name").all():
        expect(link).to_have_attribute("rel", "nofollow ugc noopener")
        assert link.get_attribute("href").startswith("https://")
