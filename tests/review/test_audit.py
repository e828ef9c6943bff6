"""The audit trail: who decided what, when, from which status to which."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import StatusChange
from tests.conftest import moderator_headers
from tests.review.conftest import (
    API,
    decide,
)

# --- audit ----------------------------------------------------------------------------------

def audit(client, auth, query: str = "") -> list[dict]:
    response = client.get(f"{API}/audit?site=news{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


@pytest.fixture
def decided(app, client, auth, held) -> dict[str, str]:
    """alice approves one comment, bob rejects another; one on "sport" is rejected too."""
    ids = {"approved": held(body="good"), "rejected": held(body="bad"),
           "sport": held(site="sport", body="elsewhere")}
    decide(client, auth, ids["approved"], "approve", "good")
    bob = moderator_headers(app, "bob")
    decide(client, bob, ids["rejected"], "reject", "bad")
    decide(client, bob, ids["sport"], "reject", "bad")
    return ids


def test_audit_is_newest_first_and_per_site(client, auth, decided):
    entries = audit(client, auth)
    assert len(entries) == 6  # two comments, each: submission, held, decision
    assert (entries[0]["comment_id"], entries[0]["actor"]) == (decided["rejected"], "moderator:bob")
    assert decided["sport"] not in {e["comment_id"] for e in entries}
    assert {"from_status", "to_status", "actor", "reason", "at"} <= set(entries[0])


def test_audit_filters_by_moderator_and_comment(client, auth, decided):
    assert [(e["comment_id"], e["actor"]) for e in audit(client, auth, "&moderator=alice")] == [
        (decided["approved"], "moderator:alice")]
    assert audit(client, auth, "&moderator=nobody") == []
    assert [e["to_status"] for e in audit(client, auth, f"&comment={decided['rejected']}")] == [
        "rejected", "held", "pending"]


def test_audit_filters_by_time_range(app, client, auth, decided):
    with app.app_context():
        for change in db.session.scalars(select(StatusChange)):
            change.created_at = datetime(2026, 1, change.id, 9, tzinfo=UTC)  # ids 1…9
        db.session.commit()
    in_range = audit(client, auth, "&since=2026-01-03T00:00:00Z&until=2026-01-05T09:00:00Z")
    assert [e["at"][:10] for e in in_range] == ["2026-01-04", "2026-01-03"]
    since = audit(client, auth, "&since=2026-01-06T00:00:00%2B00:00")  # 5, 6, 9 are sport's
    assert [e["at"][:10] for e in since] == ["2026-01-08", "2026-01-07"]
    until = audit(client, auth, "&until=2026-01-02T09:00:01Z")
    assert [e["at"][:10] for e in until] == ["2026-01-02", "2026-01-01"]


@pytest.mark.parametrize("query, field", [
    ("&since=yesterday", "since"), ("&limit=0", "limit"), ("&limit=501", "limit"),
    ("&cursor=bad!", "cursor")])
def test_bad_audit_queries_are_422_naming_the_field(client, auth, site, query, field):
    response = client.get(f"{API}/audit?site=news{query}", headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_audit_pagination_walks_every_entry_once(client, auth, decided):
    everything = audit(client, auth)
    seen, cursor = [], None
    while True:
        query = "&limit=4" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{API}/audit?site=news{query}", headers=auth).get_json()
        seen += page["entries"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 6


# --- scoring's reasons ------------------------------------------------------------------------

def test_a_checks_change_carries_its_reasons_without_the_words_it_found(
        client, auth, held, site_policy):
    site_policy(held_words=["zorblax"])
    comment_id = held(body="Zorblax, again.")
    queued = client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()["reasons"]
    assert queued[0] == {"check": "word_lists", "list": "held", "terms": ["zorblax"]}
    decide(client, auth, comment_id, "approve", "fine after all")

    entries = audit(client, auth, f"&comment={comment_id}")
    assert [(e["to_status"], e["actor"]) for e in entries] == [
        ("approved", "moderator:alice"), ("held", "check:word_lists"), ("pending", "submission")]
    approved, held_by_check, submitted = entries
    assert held_by_check["reasons"] == [
        {"check": "word_lists", "list": "held"},
        {"check": "premoderation", "rule": "premoderated", "detail": "site pre-moderates"}]
    assert held_by_check["reasons"] == [
        {key: value for key, value in reason.items() if key != "terms"} for reason in queued]
    assert (approved["reasons"], approved["reason"]) == ([], "fine after all")
    assert submitted["reasons"] == []
    assert "zorblax" not in json.dumps(entries).lower()


def test_a_change_logged_before_reasons_were_kept_has_none_but_its_text(app, client, auth, held):
    comment_id = held()
    with app.app_context():
        change = db.session.scalar(select(StatusChange).where(StatusChange.to_status == "held"))
        change.details = {"scores": {}}
        db.session.commit()
    [entry] = [e for e in audit(client, auth) if e["to_status"] == "held"]
    assert (entry["comment_id"], entry["reasons"], entry["reason"]) == (
        comment_id, [], "site pre-moderates")


def test_the_audit_reasons_are_in_the_openapi_document(client):
    entry = client.get("/openapi.json").get_json()["components"]["schemas"]["AuditEntry"]
    reasons = entry["properties"]["reasons"]
    assert reasons["type"] == "array" and reasons["items"]["type"] == "object"
    assert "without `terms`" in reasons["description"]
