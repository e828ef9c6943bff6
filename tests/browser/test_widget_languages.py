"""The widget in the reader's language: the form note as WordPress readers know it, counts by
Intl plural rules, errors by the API's codes, relative dates, Arabic right to left."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.web.test_widget_catalogs import CATALOGS, LANGUAGES

pytestmark = pytest.mark.integration

# Each language's "Leave A Reply" note in WordPress's own words for it (German: de_DE_formal).
NOTES = {
    "en": "Your email address will not be published. Required fields are marked *",
    "de": "Ihre E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * "
          "markiert.",
    "fr": "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
    "es": "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están "
          "marcados con *",
    "it": "Il tuo indirizzo email non sarà pubblicato. I campi obbligatori sono contrassegnati *",
    "pt": "O seu endereço de e-mail não será publicado. Campos obrigatórios são marcados com *",
    "pl": "Twój adres e-mail nie zostanie opublikowany. Wymagane pola są oznaczone *",
    "nl": "Je e-mailadres wordt niet gepubliceerd. Vereiste velden zijn gemarkeerd met *",
    "ar": "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",
    "sv": "Din e-postadress kommer inte publiceras. Obligatoriska fält är märkta *",
    "tr": "E-posta adresiniz yayınlanmayacak. Gerekli alanlar * ile işaretlenmişlerdir",  # noqa: RUF001
}
PLURAL_CATEGORIES = "lang => new Intl.PluralRules(lang).resolvedOptions().pluralCategories"


def widget(page):
    return page.locator("#comments .lar")


def test_every_shipped_language_has_its_note_here():
    assert sorted(NOTES) == sorted([*LANGUAGES, "en"])


@pytest.mark.parametrize("lang", sorted(NOTES))
def test_each_language_shows_its_form_note(live_server, page, thread, lang):
    live_server.news_page(page, thread=thread, attributes={"data-lang": lang})

    expect(page.locator("#comments .hint")).to_have_text(NOTES[lang])
    expect(widget(page)).to_have_attribute("lang", lang)
    expect(widget(page)).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    if lang != "en":  # each count has exactly the forms this browser's plural rules pick from
        categories = set(page.evaluate(PLURAL_CATEGORIES, lang))
        counts = [m for m in json.loads((CATALOGS / f"{lang}.json").read_text()).values()
                  if isinstance(m, dict)]
        assert counts and all(set(forms) == categories for forms in counts), lang


@pytest.mark.parametrize(("lang", "posted", "heading"), [
    ("en", 1, "1 Comment"), ("de", 1, "1 Kommentar"), ("de", 3, "3 Kommentare"),
    ("pl", 2, "2 komentarze"), ("pl", 5, "5 komentarzy"),
    ("ar", 0, "لا توجد تعليقات"), ("ar", 2, "تعليقان"), ("ar", 3, "3 تعليقات"),
])
def test_counts_take_the_languages_plural_form(live_server, page, thread, lang, posted,
                                               heading):
    for number in range(posted):
        live_server.post_comment(site="news", thread=thread, body=f"Comment {number}.",
                                 author_email=f"plural{number}@example.com")
    live_server.news_page(page, thread=thread, attributes={"data-lang": lang})
    expect(page.locator("#comments h2")).to_have_text(heading)


def test_without_data_lang_the_page_language_speaks_and_a_container_may_choose(
        live_server, page, thread, readme_screenshots):
    """<html lang="de-DE"> gives German to the widget and count.js; a second widget whose
    container says data-lang="fr" speaks French."""
    live_server.post_comment(site="news", thread=thread, body="Gute Idee, endlich.",
                             author_name="Erika Leserin")
    live_server.post_comment(site="news", thread=thread, body="Und wer zahlt das?",
                             author_name="Max Muster", author_email="max@example.com")
    second = (f'<div id="second" data-lang="fr"></div><script src="{live_server.url}/embed.js" '
              f'data-site="news" data-thread="{thread}" data-container="#second" async></script>'
              f'<p id="count" data-comment-count-thread="{thread}"></p>'
              f'<script src="{live_server.url}/count.js" data-site="news" async></script>')
    live_server.news_page(page, thread=thread, html_lang="de-DE", after=second)

    expect(widget(page)).to_have_attribute("lang", "de")
    expect(page.locator("#comments h2")).to_have_text("2 Kommentare")
    expect(page.locator("#comments h3")).to_have_text("Schreiben Sie einen Kommentar")
    expect(page.locator("#count")).to_have_text("2 Kommentare")
    expect(page.locator("#second .lar")).to_have_attribute("lang", "fr")
    expect(page.locator("#second .hint")).to_have_text(NOTES["fr"])
    shown = widget(page).inner_text()
    german = json.loads((CATALOGS / "de.json").read_text())
    left_in_english = [text for text, own in german.items()
                       if isinstance(own, str) and own != text and len(text) > 3 and text in shown]
    assert left_in_english == []
    page.locator("#comments").screenshot(path=readme_screenshots / "widget-de.png")


def test_a_language_without_a_catalog_gets_english(live_server, page, thread):
    requests = []
    page.on("requestfinished", lambda request: "/i18n/" in request.url and requests.append(
        request.url))
    live_server.news_page(page, thread=thread, html_lang="ja")
    expect(widget(page)).to_have_attribute("lang", "en")
    expect(page.locator("#comments .hint")).to_have_text(NOTES["en"])
    assert [url.rsplit("/", 1)[1] for url in requests] == ["ja.json"]  # read, not blocked


def test_errors_dates_and_labels_in_the_readers_language(live_server, page, thread):
    slow = live_server.new_site(flood_interval_seconds=60)  # of its own: floods count by address
    live_server.news_page(page, site=slow, thread=thread, attributes={"data-lang": "de"})
    post = page.get_by_role("button", name="Kommentar abschicken")
    post.click()
    body = page.get_by_role("textbox", name="Kommentar", exact=True)
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lar-body-err")).to_have_text("Bitte füllen Sie dieses Feld aus.")
    expect(page.get_by_role("status")).to_have_text("Bitte korrigieren Sie die markierten Felder.")

    body.fill("Zum zweiten Mal.")
    page.get_by_role("textbox", name="Name", exact=True).fill("Doppelte Leserin")
    page.get_by_role("textbox", name="E-Mail", exact=True).fill("doppelt@example.com")
    post.click()
    expect(page.get_by_role("status")).to_have_text("Ihr Kommentar wurde veröffentlicht.")
    expect(page.locator("#comments article time")).to_have_text(
        re.compile(r"^(jetzt|vor \d+ Sekunden?)$"))
    body.fill("Zum zweiten Mal.")
    post.click()  # the API answers 409 "duplicate"
    expect(page.get_by_role("status")).to_have_text(
        "Sie haben diesen Kommentar hier bereits veröffentlicht.")
    body.fill("Noch etwas.")
    post.click()  # 429 "rate_limited" with Retry-After: the site's flood interval
    expect(page.get_by_role("status")).to_have_text(re.compile(
        r"^Sie schreiben zu schnell\. Bitte warten Sie \d+ Sekunden und versuchen Sie es"
        r" erneut\.$"))


def test_arabic_is_laid_out_right_to_left(live_server, page, thread, readme_screenshots):
    parent = live_server.post_comment(site="news", thread=thread, author_name="ليلى",
                                      body="مكتبة رائعة في مبنى الترام القديم.")
    live_server.post_comment(site="news", thread=thread, parent_id=parent["id"],
                             author_name="Sam", author_email="sam@example.com",
                             body="Agreed, the reading room is lovely.")
    live_server.news_page(page, thread=thread, attributes={"data-lang": "ar"})
    expect(page.locator("#comments article")).to_have_count(2)

    assert widget(page).evaluate("el => getComputedStyle(el).direction") == "rtl"
    box = widget(page).bounding_box()
    submit = page.get_by_role("button", name="إرسال التعليق").bounding_box()
    assert abs(submit["x"] + submit["width"] - (box["x"] + box["width"])) < 2  # flush right
    assert submit["x"] > box["x"] + box["width"] / 2
    outer = page.locator(f"#lar-c-{parent['id']}").bounding_box()
    reply = page.locator(".kids article").bounding_box()
    assert reply["x"] + reply["width"] < outer["x"] + outer["width"] - 10  # indented from the right
    english = page.locator(".kids article .body")
    assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"  # dir=auto
    page.locator("#comments").screenshot(path=readme_screenshots / "widget-ar.png")
