"""The widget's look from the host page: data-theme (light, dark, auto) and the documented --cm-*
custom properties, set on the container without reaching into the shadow root."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_host_page import contrast

pytestmark = pytest.mark.integration

WHITE, DARK_BG = "rgb(255, 255, 255)", "rgb(13, 17, 23)"
# A newsroom's house style, on the host page's own stylesheet.
HOUSE_STYLE = """#comments { --cm-font: Georgia, "Times New Roman", serif; --cm-font-size: 17px;
  --cm-bg: #fbfaf7; --cm-fg: #222; --cm-muted: #5c5346; --cm-accent: #8a1538; --cm-radius: 0;
  --cm-gap: 28px; }"""


def colours(page) -> dict[str, str]:
    return page.evaluate("""() => {
        const root = document.querySelector('#comments').shadowRoot;
        const style = selector => getComputedStyle(root.querySelector(selector));
        return {background: style('.lar').backgroundColor, text: style('.lar').color,
                muted: style('.hint').color, button: style('button[type=submit]').backgroundColor,
                buttonText: style('button[type=submit]').color};
    }""")


def test_the_dark_theme_is_dark_and_legible(live_server, page, thread, readme_screenshots):
    live_server.post_comment(site="news", thread=thread, body="Easier on the eyes at night.",
                             author_name="Night Reader")
    live_server.news_page(page, thread=thread, attributes={"data-theme": "dark"},
                          css="body { background: #0d1117; }")

    seen = colours(page)
    assert seen["background"] == DARK_BG and seen["text"] == "rgb(230, 237, 243)"
    assert contrast(seen["text"], seen["background"]) >= 7
    assert contrast(seen["muted"], seen["background"]) >= 4.5
    assert contrast(seen["buttonText"], seen["button"]) >= 4.5
    assert page.locator("#comments .lar").evaluate(
        "el => getComputedStyle(el).colorScheme") == "dark"  # native controls go dark too
    page.locator("#comments").screenshot(path=readme_screenshots / "widget-dark.png")


@pytest.mark.parametrize(("theme", "system", "background"), [
    ("auto", "dark", DARK_BG), ("auto", "light", WHITE),
    (None, "dark", WHITE),  # light unless the page asks
    ("light", "dark", WHITE),
])
def test_auto_follows_the_readers_system_and_light_is_the_default(
        live_server, new_context, thread, theme, system, background):
    page = new_context(color_scheme=system).new_page()
    live_server.news_page(page, thread=thread,
                          attributes={"data-theme": theme} if theme else None)
    assert colours(page)["background"] == background


def test_a_host_pages_custom_properties_restyle_the_widget(live_server, page, thread,
                                                          readme_screenshots):
    live_server.post_comment(site="news", thread=thread, body="The house style suits it.",
                             author_name="Style Desk")
    live_server.news_page(page, thread=thread, css=HOUSE_STYLE)

    seen = colours(page)
    assert seen["background"] == "rgb(251, 250, 247)" and seen["text"] == "rgb(34, 34, 34)"
    assert seen["muted"] == "rgb(92, 83, 70)" and seen["button"] == "rgb(138, 21, 56)"
    style = page.locator("#comments .lar").evaluate("""el => {
        const s = getComputedStyle(el), button = el.querySelector('button[type=submit]');
        return {font: s.fontFamily, size: s.fontSize, gap: s.paddingTop,
                radius: getComputedStyle(button).borderRadius};
    }""")
    assert style == {"font": 'Georgia, "Times New Roman", serif', "size": "17px", "gap": "28px",
                     "radius": "0px"}
    expect(page.locator("#comments h2")).to_have_text("1 Comment")
    page.locator("#comments").screenshot(path=readme_screenshots / "widget-restyled.png")
