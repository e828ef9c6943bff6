"""The widget on a hostile host page: it stays legible, and the host's own layout is untouched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.integration

# Global rules a careless (or hostile) news site might ship, aimed at everything the widget
# could be made of: its tags, its class names, its ids, and the root font size (rem).
HOSTILE_CSS = """
html { font-size: 4px; }
* { color: #fefefe !important; background: #fff !important; font-size: 3px !important;
    line-height: 0 !important; letter-spacing: 6px !important; font-family: cursive !important;
    text-transform: uppercase !important; }
section, article, header, form, label, input, textarea, button, select, ol, li, p, h2, h3, a,
span, time, div { display: none !important; visibility: hidden !important; opacity: 0 !important; }
#comments { display: block !important; visibility: visible !important; opacity: 1 !important; }
.lar, .c, .name, .body, .btn, .link, .hint, .err, .kids, .field, .acts, .bar, .list, .hp,
#lar-body, #lar-count, #lar-reply { display: none !important; position: fixed !important;
    transform: scale(0) !important; }
"""
# The host's own elements with the same class names the widget uses inside its shadow root.
HOST_MARKUP = """
<div class="c host-probe" id="probe-c">host .c</div>
<p class="name host-probe" id="probe-name">host .name</p>
<button class="btn host-probe" id="probe-btn">host .btn</button>
<ol class="list host-probe" id="probe-list"><li>host list</li></ol>
"""
HOST_CSS = """
body { margin: 0; font: 17px/1.4 Georgia, serif; color: #333; }
.host-probe { display: block; margin: 7px 11px; padding: 3px; color: rgb(120, 20, 20);
    font-size: 13px; width: 300px; }
#comments { margin: 20px 40px; max-width: 700px; }
"""
STYLES = ["display", "color", "fontSize", "fontFamily", "margin", "padding", "width",
          "lineHeight", "backgroundColor", "listStyleType"]
MEASURE = """(styles) => [...document.querySelectorAll(
    'body, #masthead, #story, .host-probe, #comments, #footer')].map(el => {
        const box = el.getBoundingClientRect(), style = getComputedStyle(el);
        return {id: el.id || el.tagName, x: box.x, width: box.width,
                style: Object.fromEntries(styles.map(name => [name, style[name]]))};
    })"""


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_widget_stays_legible_under_hostile_global_css(live_server, page, thread,
                                                          artifacts):
    live_server.post_comment(site="news", thread=thread, body="Still perfectly readable.",
                             author_name="Legible Reader")
    live_server.news_page(page, thread=thread, css=HOSTILE_CSS)

    for selector in ("#comments h2", "#comments article .body p", "#comments .name",
                     "#comments label[for=lar-body]", "#comments #lar-body",
                     "#comments button[type=submit]"):
        element = page.locator(selector).first
        expect(element).to_be_visible()
        style = element.evaluate("""el => { const s = getComputedStyle(el);
            return {size: parseFloat(s.fontSize), color: s.color, spacing: s.letterSpacing,
                    transform: s.textTransform, line: s.lineHeight}; }""")
        assert style["size"] >= 13, (selector, style)
        assert style["spacing"] == "normal" and style["transform"] == "none", (selector, style)
        assert style["line"] == "normal" or float(style["line"].rstrip("px")) >= 15, style
        box = element.bounding_box()
        assert box["width"] > 20 and box["height"] >= 13, (selector, box)
    text = page.locator("#comments article .body p")
    color = text.evaluate("el => getComputedStyle(el).color")
    background = page.locator("#comments .lar").evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert contrast(color, background) >= 7
    expect(page.locator("#comments")).to_contain_text("Still perfectly readable.")
    page.screenshot(path=artifacts / "hostile-host-page.png", full_page=True)


def test_the_host_layout_is_unchanged_by_the_widget(live_server, new_context, thread):
    live_server.post_comment(site="news", thread=thread, body="A comment with a [link]"
                             "(https://example.com/) and *emphasis*.")
    pages = {}
    for widget in (False, True):
        page = new_context().new_page()
        live_server.news_page(page, thread=thread, css=HOST_CSS, widget=widget,
                              before=HOST_MARKUP)
        pages[widget] = page
    without, with_widget = pages[False], pages[True]
    expect(with_widget.locator("#comments article")).to_have_count(1)

    before = without.evaluate(MEASURE, STYLES)
    after = with_widget.evaluate(MEASURE, STYLES)
    assert after == before  # same styles, same horizontal geometry
    tops = "ids => ids.map(id => document.getElementById(id).getBoundingClientRect().top)"
    above = ["masthead", "story", "probe-c", "probe-name", "probe-btn", "probe-list", "comments"]
    assert with_widget.evaluate(tops, above) == without.evaluate(tops, above)
    # Nothing added to the document's own styles or globals.
    count = "() => [document.styleSheets.length, document.adoptedStyleSheets.length]"
    assert with_widget.evaluate(count) == without.evaluate(count)
    globals_ = "() => Object.keys(window).filter(k => k !== '__pwned').sort()"
    assert with_widget.evaluate(globals_) == without.evaluate(globals_)
    # The widget's rules do not reach the host's same-named classes.
    assert with_widget.locator("#probe-btn").evaluate(
        "el => getComputedStyle(el).backgroundColor") == without.locator("#probe-btn").evaluate(
        "el => getComputedStyle(el).backgroundColor")
