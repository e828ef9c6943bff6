"""Moderators' decisions, one and in bulk, and bans."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from tests.conftest import moderator_headers
from tests.review.conftest import (
    API,
    THREAD,
    decide,
    stored_status,
)

# --- decisions ------------------------------------------------------------------------------

@pytest.mark.parametrize("decision, status", [
    ("approve", "approved"), ("reject", "rejected"), ("spam", "spam")])
def test_deciding_a_held_comment(app, client, auth, held, decision, status):
    comment_id = held()
    response = decide(client, auth, comment_id, decision, "reviewed")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["status"], body["decided_by"]) == (
        comment_id, status, "moderator:alice")
    assert body["history"][-1]["to_status"] == status
    assert stored_status(app, comment_id) == status


def test_taking_down_an_approved_comment_rejects_it(app, client, auth, held):
    comment_id = held()
    decide(client, auth, comment_id, "approve")
    response = decide(client, auth, comment_id, "takedown", "defamatory")
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert stored_status(app, comment_id) == "rejected"


@pytest.mark.parametrize("first, second", [
    ("approve", "approve"), (None, "takedown"), ("reject", "reject"), ("spam", "spam"),
    ("reject", "takedown"), ("approve", "reject"), ("approve", "spam")])
def test_a_decision_that_does_not_apply_is_409(app, client, auth, held, first, second):
    comment_id = held()
    if first:
        assert decide(client, auth, comment_id, first).status_code == 200
    before = stored_status(app, comment_id)
    response = decide(client, auth, comment_id, second)
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert before in response.get_json()["message"]
    assert stored_status(app, comment_id) == before


def test_a_comment_the_checks_refused_may_be_rescued(client, auth, post_comment):
    comment_id = post_comment(nickname="filled-by-a-human-after-all").get_json()["id"]
    response = decide(client, auth, comment_id, "approve", "false positive")
    assert (response.status_code, response.get_json()["status"]) == (200, "approved")


@pytest.mark.parametrize("first, second", [("reject", "approve"), ("spam", "reject")])
def test_a_moderators_refusal_is_not_silently_overruled(app, client, auth, held, first, second):
    comment_id = held()
    decide(client, moderator_headers(app, "bob"), comment_id, first)
    response = decide(client, auth, comment_id, second)
    assert response.status_code == 409
    assert "moderator:bob" in response.get_json()["message"]


def test_an_admin_may_overrule_a_moderators_refusal(app, client, auth, held):
    comment_id = held()
    decide(client, auth, comment_id, "reject")
    response = decide(client, moderator_headers(app, "chief", role="admin"), comment_id,
                      "approve", "rejected by mistake")
    assert (response.status_code, response.get_json()["status"]) == (200, "approved")
    assert response.get_json()["history"][-1]["actor"] == "moderator:chief"


@pytest.mark.parametrize("body, field", [
    ({"decision": "delete"}, "decision"), ({}, "decision"),
    ({"decision": "approve", "reason": "x" * 1001}, "reason"),
    ({"decision": "approve", "extra": 1}, "_unknown")])
def test_a_malformed_decision_is_422(app, client, auth, held, body, field):
    comment_id = held()
    response = client.post(f"{API}/comments/{comment_id}/decision", json=body, headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]
    assert stored_status(app, comment_id) == "held"


def test_deciding_an_unknown_comment_is_404(client, auth, site):
    response = decide(client, auth, "no-such-comment", "approve")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_every_decision_is_logged_with_moderator_reason_and_time(app, client, auth, held):
    comment_id = held()
    before = datetime.now(UTC)
    decide(client, auth, comment_id, "approve", "fine after all")
    decide(client, moderator_headers(app, "bob"), comment_id, "takedown", "legal request")
    after = datetime.now(UTC)
    with app.app_context():
        log = db.session.scalars(select(StatusChange).join(Comment).where(
            Comment.public_id == comment_id, StatusChange.actor.startswith("moderator:"))
            .order_by(StatusChange.id)).all()
        assert [(c.from_status, c.to_status, c.actor, c.reason) for c in log] == [
            ("held", "approved", "moderator:alice", "fine after all"),
            ("approved", "rejected", "moderator:bob", "legal request")]
        assert all(before <= c.created_at <= after for c in log)
    entries = client.get(f"{API}/audit?site=news&comment={comment_id}",
                         headers=auth).get_json()["entries"]
    assert [(e["actor"], e["reason"], e["to_status"]) for e in entries[:2]] == [
        ("moderator:bob", "legal request", "rejected"),
        ("moderator:alice", "fine after all", "approved")]
    assert all(before <= datetime.fromisoformat(e["at"]) <= after for e in entries[:2])


def test_approving_publishes_at_once_and_a_takedown_unpublishes(client, auth, held):
    listing = f"/api/v1/comments?site=news&thread={THREAD}"
    comment_id = held()
    first = client.get(listing)
    assert first.get_json()["comments"] == []
    decide(client, auth, comment_id, "approve")
    second = client.get(listing, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert [c["id"] for c in second.get_json()["comments"]] == [comment_id]
    decide(client, auth, comment_id, "takedown")
    third = client.get(listing, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200 and third.get_json()["comments"] == []
    assert third.headers["ETag"] not in (first.headers["ETag"], second.headers["ETag"])


# --- bulk decisions -------------------------------------------------------------------------

def test_bulk_reports_each_item_and_counts(app, client, auth, held):
    fine, spam, done = held(body="fine"), held(body="spam"), held(body="done")
    decide(client, auth, done, "approve")
    response = client.post(f"{API}/decisions", headers=auth, json={"decisions": [
        {"id": fine, "decision": "approve", "reason": "ok"},
        {"id": "no-such-comment", "decision": "reject"},
        {"id": spam, "decision": "spam"},
        {"id": done, "decision": "approve"},
        {"id": fine, "decision": "reject"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["id"], r["ok"], r["status"], r["error"]) for r in body["results"]] == [
        (fine, True, "approved", None), ("no-such-comment", False, None, "not_found"),
        (spam, True, "spam", None), (done, False, None, "conflict"),
        (fine, False, None, "conflict")]
    assert (body["succeeded"], body["failed"]) == (2, 3)
    assert [stored_status(app, c) for c in (fine, spam, done)] == ["approved", "spam", "approved"]


def test_bulk_items_are_logged_like_single_decisions(app, client, auth, held):
    ids = [held(body=f"comment {n}") for n in range(3)]
    client.post(f"{API}/decisions", headers=auth, json={
        "decisions": [{"id": c, "decision": "reject", "reason": "bulk"} for c in ids]})
    entries = client.get(f"{API}/audit?site=news&moderator=alice", headers=auth).get_json()
    assert sorted(e["comment_id"] for e in entries["entries"]) == sorted(ids)
    assert {(e["to_status"], e["reason"]) for e in entries["entries"]} == {("rejected", "bulk")}


def test_bulk_accepts_500_items_and_refuses_501(client, auth, site):
    items = [{"id": f"missing-{n}", "decision": "approve"} for n in range(501)]
    too_many = client.post(f"{API}/decisions", headers=auth, json={"decisions": items})
    assert too_many.status_code == 422
    assert list(too_many.get_json()["fields"]) == ["decisions"]
    most = client.post(f"{API}/decisions", headers=auth, json={"decisions": items[:500]})
    assert most.status_code == 200
    assert (most.get_json()["succeeded"], most.get_json()["failed"]) == (0, 500)


@pytest.mark.parametrize("body", [
    {"decisions": []}, {}, {"decisions": [{"id": "x", "decision": "maybe"}]},
    {"decisions": [{"decision": "approve"}]}])
def test_a_malformed_bulk_request_is_422(client, auth, site, body):
    response = client.post(f"{API}/decisions", headers=auth, json=body)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["decisions"]



# --- bans -----------------------------------------------------------------------------------

def test_ban_and_lift_a_ban(client, auth, held):
    comment_id = held()
    path = f"{API}/comments/{comment_id}/ban"
    response = client.post(path, json={"reason": "persistent abuse"}, headers=auth)
    assert (response.status_code, response.get_json()) == (201, {"banned": True})
    again = client.post(path, json={}, headers=auth)
    assert (again.status_code, again.get_json()) == (201, {"banned": True})
    lifted = client.delete(path, headers=auth)
    assert (lifted.status_code, lifted.get_json()) == (200, {"banned": False})


def test_banning_an_unknown_comment_is_404(client, auth, site):
    assert client.post(f"{API}/comments/nope/ban", json={}, headers=auth).status_code == 404
    assert client.delete(f"{API}/comments/nope/ban", headers=auth).status_code == 404
