"""The review queue and one comment in full, as moderators read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from moderation.extensions import db
from tests.review.conftest import (
    API,
    THREAD,
    decide,
    queue_ids,
    set_columns,
)

# --- the queue ------------------------------------------------------------------------------

@pytest.fixture
def ranked(app, held) -> dict[str, str]:
    """Five held comments with known risk and age: a is oldest, e is newest."""
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    risks = {"a": 0.2, "b": 0.9, "c": 0.5, "d": 0.5, "e": 0.05}
    ids = {}
    for n, (name, risk) in enumerate(risks.items()):
        ids[name] = held(body=f"comment {name}")
        set_columns(app, ids[name], risk=risk, scores={"spam": risk},
                    created_at=start + timedelta(minutes=n))
    return ids


@pytest.mark.parametrize("order, expected", [
    ("", "bdcae"), ("&order=risk", "bdcae"), ("&order=oldest", "abcde"),
    ("&order=newest", "edcba")])
def test_queue_order(client, auth, ranked, order, expected):
    # equal risk (c, d) falls back to the newer row first
    assert queue_ids(client, auth, order) == [ranked[name] for name in expected]


def test_queue_items_carry_scores_reasons_masked_email_thread_and_history(client, auth, held):
    comment_id = held(author_email="Kim.Lee@Example.org", thread_title="Budget")
    item = client.get(f"{API}/queue?site=news", headers=auth).get_json()["comments"][0]
    assert item["id"] == comment_id
    assert item["author_email"] == "K***@e***.org"
    assert item["thread"] == {"key": THREAD, "title": "Budget", "url": None}
    assert item["reasons"] == [{"check": "premoderation", "rule": "premoderated",
                               "detail": "site pre-moderates"}]
    assert item["author_history"] == {"approved": 0, "held": 1, "rejected": 0, "spam": 0}
    assert {"spam_score", "toxicity_score", "risk", "model_versions"} <= set(item)


def test_replies_in_the_queue_name_their_parent_without_a_query_each(app, client, auth, held):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def queue_with_replies(count: int) -> tuple[list[str], list[str | None]]:
        parents = [held(body=f"Parent {n} of {count}.") for n in range(count)]
        for parent in parents:
            assert decide(client, auth, parent, "approve").status_code == 200
            held(parent_id=parent, body=f"Reply to {parent}.")
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                response = client.get(f"{API}/queue?site=news", headers=auth)
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
        return parents, [c["parent_id"] for c in response.get_json()["comments"]]

    parents, shown = queue_with_replies(1)
    queries_for_one = len(statements)
    more_parents, more_shown = queue_with_replies(3)
    assert shown == parents
    assert sorted(more_shown) == sorted(parents + more_parents)
    assert len(statements) == queries_for_one


def test_queue_shows_held_by_default_and_other_statuses_on_request(client, auth, held):
    first, second = held(body="one"), held(body="two")
    assert decide(client, auth, first, "approve").status_code == 200
    assert queue_ids(client, auth) == [second]
    assert queue_ids(client, auth, "&status=approved") == [first]
    assert queue_ids(client, auth, "&status=spam") == []


def test_queue_filters_by_thread(client, auth, held):
    held(body="here")
    elsewhere = held(body="there", thread="2026/11/match-report")
    assert queue_ids(client, auth, "&thread=2026/11/match-report") == [elsewhere]
    assert queue_ids(client, auth, "&thread=no-such-thread") == []


def test_queue_filters_by_what_held_it(client, auth, held):
    links = held(body="see http://a.example http://b.example http://c.example")
    plain = held(body="a plain remark")
    assert queue_ids(client, auth, "&reason=check:links") == [links]
    assert queue_ids(client, auth, "&reason=check:premod") == [plain]
    assert queue_ids(client, auth, "&reason=model:") == []


def test_queue_is_per_site(client, auth, held):
    news = held()
    held(site="sport")
    assert queue_ids(client, auth) == [news]


@pytest.mark.parametrize("order", ["risk", "oldest", "newest"])
def test_cursor_pagination_walks_every_item_once(client, auth, ranked, order):
    everything = queue_ids(client, auth, f"&order={order}")
    seen, cursor, pages = [], None, 0
    while True:
        query = f"&order={order}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{API}/queue?site=news{query}", headers=auth).get_json()
        seen += [c["id"] for c in page["comments"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 5 and pages == 3


@pytest.mark.parametrize("cursor", ["not-a-cursor!", "WyJ4IiwgMV0", "WzFd", "e30", "W251bGwsIDFd"])
def test_a_bad_cursor_is_a_422_naming_cursor(client, auth, site, cursor):
    # WyJ4IiwgMV0 = ["x", 1]; WzFd = [1]; e30 = {}; W251bGwsIDFd = [null, 1]
    response = client.get(f"{API}/queue?site=news&cursor={cursor}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["cursor"]


@pytest.mark.parametrize("query, field", [
    ("site=news&limit=0", "limit"), ("site=news&limit=201", "limit"),
    ("site=news&limit=x", "limit"), ("site=news&order=random", "order"),
    ("site=news&status=archived", "status"), ("", "site"), ("site=nowhere", "site"),
    ("site=news&thread=a%00b", "thread"), ("site=news&reason=check%00", "reason")])
def test_bad_queue_queries_are_422_naming_the_field(client, auth, site, query, field):
    response = client.get(f"{API}/queue?{query}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


@pytest.mark.parametrize("field", ["moderator", "comment"])
def test_audit_filters_with_control_characters_are_422_not_a_database_error(client, auth, site,
                                                                             field):
    response = client.get(f"{API}/audit?site=news&{field}=a%00b", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_a_reason_keeps_its_text_and_loses_control_characters(app, client, auth, held):
    comment_id = held()
    response = decide(client, auth, comment_id, "reject", "Off\x00 topic.\x07")
    assert response.status_code == 200
    assert response.get_json()["history"][-1]["reason"] == "Off topic."


def test_queue_limit_bounds_are_inclusive(client, auth, ranked):
    assert len(queue_ids(client, auth, "&limit=1")) == 1
    assert len(queue_ids(client, auth, "&limit=200")) == 5


# --- one comment ----------------------------------------------------------------------------

def test_detail_has_scores_model_versions_reasons_and_terms(app, client, auth, held):
    comment_id = held()
    reasons = [{"check": "model:spam", "detail": "spam 0.83", "terms": ["casino", "free"]}]
    versions = {"spam": "spam-2026.11.1", "toxicity": "tox-2026.10.2"}
    set_columns(app, comment_id, scores={"spam": 0.83, "toxicity": 0.12}, risk=0.83,
                reasons=reasons, model_versions=versions)
    detail = client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()
    assert (detail["spam_score"], detail["toxicity_score"], detail["risk"]) == (0.83, 0.12, 0.83)
    assert detail["model_versions"] == versions
    assert detail["reasons"] == reasons


def test_detail_masks_the_email_and_names_the_thread(client, auth, held):
    comment_id = held(author_email="Jane.Doe@Example.org", thread_title="Council budget",
                      thread_url="https://news.example/budget")
    response = client.get(f"{API}/comments/{comment_id}", headers=auth)
    detail = response.get_json()
    assert detail["author_email"] == "J***@e***.org"
    assert "jane.doe@example.org" not in response.get_data(as_text=True).lower()
    assert detail["thread"] == {"key": THREAD, "title": "Council budget",
                                "url": "https://news.example/budget"}


def test_detail_has_the_status_history(client, auth, held):
    comment_id = held()
    assert decide(client, auth, comment_id, "reject", "off topic").status_code == 200
    history = client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()["history"]
    assert [(h["from_status"], h["to_status"], h["actor"], h["reason"]) for h in history] == [
        (None, "pending", "submission", None),
        ("pending", "held", "check:premoderation", "site pre-moderates"),
        ("held", "rejected", "moderator:alice", "off topic")]


def test_author_history_counts_that_author_on_this_site_only(client, auth, held):
    ids = [held(author_email=email, body=f"remark {n}") for n, email in enumerate(
        ["sam@example.com", "SAM@Example.com", "Sam@example.COM", "sam@example.com"])]
    decide(client, auth, ids[0], "approve")
    decide(client, auth, ids[1], "reject")
    decide(client, auth, ids[2], "spam")
    held(author_email="sam@example.com", site="sport", body="elsewhere")
    other = held(author_email="someone.else@example.com", body="another author")
    detail = client.get(f"{API}/comments/{ids[3]}", headers=auth).get_json()
    assert detail["author_history"] == {"approved": 1, "held": 1, "rejected": 1, "spam": 1}
    other_detail = client.get(f"{API}/comments/{other}", headers=auth).get_json()
    assert other_detail["author_history"] == {"approved": 0, "held": 1, "rejected": 0, "spam": 0}


def test_an_unknown_comment_is_404(client, auth, site):
    response = client.get(f"{API}/comments/no-such-comment", headers=auth)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
