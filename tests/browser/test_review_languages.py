"""The review page in the moderator's browser language: its words, its numbers, its dates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models.scoring import ModelScore
from moderation.extensions import db
from moderation.orm import Comment, Site
from moderation.scoring.checks.model_scores import result
from moderation.web.review_catalogs import catalogs
from tests.browser.conftest import HELD_WORD

pytestmark = pytest.mark.integration


def test_a_german_browser_gets_the_review_page_in_german(live_server, new_context):
    site = live_server.new_site(held_words=[HELD_WORD])
    first_look = live_server.post_comment(site=site, thread="sprache",
                                          body=f"Eine {HELD_WORD}, schon entschieden.")
    live_server.post_comment(site=site, thread="sprache", author_name="Lena Leserin",
                             body=f"Die {HELD_WORD} zieht sich hin.")
    page = new_context(locale="de-DE", timezone_id="Europe/Berlin").new_page()
    page.goto(f"{live_server.url}/moderate/?site={site}")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_title("Moderationswarteschlange · Kommentarmoderation")
    page.get_by_label("Moderations-Token").fill(live_server.moderator_token)
    page.get_by_role("button", name="Warteschlange öffnen").click()

    item = page.locator(".queue .item")
    expect(item).to_have_count(2)
    # decided meanwhile elsewhere: the API's 409 "conflict", said in German
    live_server.decide(first_look["id"], "reject")
    page.locator(f".item[data-id='{first_look['id']}'] .decide.approve").click()
    expect(page.locator(f".item[data-id='{first_look['id']}'] .problem")).to_have_text(
        "Der Kommentar wurde geändert; laden Sie neu und versuchen Sie es noch einmal.")
    page.get_by_label("Reihenfolge").select_option("newest")  # and the queue reloads
    expect(item).to_have_count(1)
    expect(item.get_by_role("button", name="Freigeben")).to_be_visible()
    expect(item.get_by_role("button", name="Verfasser sperren")).to_be_visible()
    expect(page.get_by_label("Reihenfolge")).to_contain_text("Riskanteste zuerst")
    expect(page.locator("#selected-count")).to_have_text("0 ausgewählt")
    page.keyboard.press("a")
    expect(page.get_by_role("status")).to_have_text("Freigegeben: Kommentar von Lena Leserin.")

    page.get_by_role("tab", name="Protokoll").click()
    expect(page.locator("#audit tr").first).to_contain_text("freigegeben")
    page.get_by_role("tab", name="Übersicht").click()
    outcomes = page.get_by_role("region", name="Kommentare nach Ergebnis, als Zahlen")
    expect(outcomes.get_by_role("row", name="Gesamter Zeitraum").get_by_role("cell")).to_have_text(
        ["1", "2", "0", "1", "0"])
    expect(outcomes.locator("caption")).to_have_text("Kommentare nach Ergebnis pro Stunde")
    expect(page.locator("#plot-outcomes .u-legend")).to_contain_text("Zurückgehalten")
    expect(page.locator("#plot-outcomes .u-legend")).to_contain_text("Stunde")  # not "Time"
    expect(page.get_by_role("status")).to_have_text("Übersicht: 169 Stunden geladen.")
    # German dates: day before month ("3. Dez., 09:00")
    expect(outcomes.get_by_role("rowheader").first).to_have_text(
        re.compile(r"^\d{1,2}\. \w+\.?,? \d{2}:00$"))


def test_a_german_moderator_reads_why_a_comment_is_held_in_german(live_server, new_context):
    site = live_server.new_site(max_links=1)
    held = live_server.post_comment(site=site, thread="gruende", author_name="Linda Links",
                                    body="Siehe https://a.example und https://b.example")
    scores = {"spam": ModelScore(0.12, (), "s1"), "toxicity": ModelScore(0.8312, ("Idiot",), "t1")}
    limits = {"spam": {"hold": 0.5}, "toxicity": {"hold": 0.39}}
    with live_server.app.app_context():  # what the models would add; one reason stored before
        comment = db.session.scalar(select(Comment).where(Comment.public_id == held["id"]))
        modelled = result(scores, db.session.get(Site, site), limits).reasons
        stored_before = [{"check": "premoderation", "detail": "site pre-moderates"},
                         {"check": "models", "model": "toxicity", "score": 0.8312, "terms": [],
                          "detail": "toxicity 0.83 (hold at 0.39)"}]
        comment.reasons = [*comment.reasons, *modelled, *stored_before]
        db.session.commit()
    page = new_context(locale="de-DE").new_page()
    page.goto(f"{live_server.url}/moderate/?site={site}")
    page.get_by_label("Moderations-Token").fill(live_server.moderator_token)
    page.get_by_role("button", name="Warteschlange öffnen").click()

    why = page.get_by_role("list", name="Warum er hier ist")
    expect(why.get_by_role("listitem")).to_have_text([
        "Links — 2 Links (die Website erlaubt 1)",
        "Modelle — Spam 0,12",
        "Modelle — Toxizität 0,83 (zurückgehalten ab 0,39) Idiot",
        # stored before reasons carried the fields to word them from: their own detail
        "Vorabmoderation — site pre-moderates",
        "Modelle — toxicity 0.83 (hold at 0.39)",
    ])
    page.get_by_role("tab", name="Übersicht").click()
    title = catalogs()["de"]["dashboard.reasons"]
    checks = page.get_by_role("region", name=f"{title}, als Zahlen").get_by_role("rowheader")
    expect(checks).to_have_count(3)  # one comment each, in no particular order
    assert sorted(checks.all_text_contents()) == ["Links", "Modelle", "Vorabmoderation"]


def test_the_audit_tab_words_a_checks_reason_in_german_and_a_moderators_as_written(
        live_server, new_context):
    site = live_server.new_site(max_links=1, held_words=["Klage"])
    held = live_server.post_comment(site=site, thread="protokoll",
                                    body="Klage! Siehe https://a.example und https://b.example")
    decided = live_server.app.test_client().post(
        f"/api/v1/moderation/comments/{held['id']}/decision",
        json={"decision": "approve", "reason": "Links geprüft, passt."},
        headers={"Authorization": f"Bearer {live_server.moderator_token}"})
    assert decided.status_code == 200, decided.get_json()
    page = new_context(locale="de-DE").new_page()
    page.goto(f"{live_server.url}/moderate/?site={site}")
    page.get_by_label("Moderations-Token").fill(live_server.moderator_token)
    page.get_by_role("button", name="Warteschlange öffnen").click()
    page.get_by_role("tab", name="Protokoll").click()

    rows = page.locator("#audit tr")
    expect(rows).to_have_count(3)  # approved, held, submitted: newest first
    reason = rows.locator("td:last-child")
    # scoring's reasons in the catalog's words (the word it found is not kept: no colon left)
    expect(reason.nth(1).get_by_role("listitem")).to_have_text([
        "Wortlisten — auf der Liste zurückzuhaltender Wörter",
        "Links — 2 Links (die Website erlaubt 1)",
    ])
    expect(reason.nth(1)).not_to_contain_text("site allows")  # the English detail
    expect(reason.nth(0)).to_have_text("Links geprüft, passt.")  # the moderator's own words
    expect(reason.nth(2)).to_have_text("")


def test_english_stays_the_default_and_any_catalog_can_be_asked_for(live_server, new_context):
    page = new_context(locale="ja-JP").new_page()
    page.goto(f"{live_server.url}/moderate/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Open the queue")).to_be_visible()
    for lang, messages in catalogs().items():
        page.goto(f"{live_server.url}/moderate/?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#sign-in button[type=submit]")).to_have_text(messages["sign_in.open"])


def test_an_arabic_browser_gets_the_review_page_right_to_left(live_server, new_context):
    site = live_server.new_site(premoderate=True)
    live_server.post_comment(site=site, thread="rtl", author_name="Reader",
                             body="An English comment on an Arabic desk.")
    page = new_context(locale="ar-EG").new_page()
    page.goto(f"{live_server.url}/moderate/?site={site}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#token").fill(live_server.moderator_token)
    page.get_by_role("button", name="فتح القائمة").click()

    item = page.locator(".queue .item")
    approve = item.get_by_role("button", name="موافقة")
    ban = item.get_by_role("button", name="حظر الكاتب")
    expect(approve).to_be_visible()
    # mirrored: the actions start at the right, the ban button sits at the far left
    assert ban.bounding_box()["x"] < approve.bounding_box()["x"]
    assert item.locator(".text").evaluate("el => getComputedStyle(el).direction") == "ltr"
    expect(page.locator("#selected-count")).to_have_text("لا شيء محدد")
