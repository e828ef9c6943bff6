"""Moderator actions come from the one lifecycle table: the API offers, checks and serves it."""

from __future__ import annotations

import pytest

from moderation import lifecycle
from moderation.lifecycle import Action, Role, Status
from tests.conftest import moderator_headers
from tests.review.conftest import API, decide, stored_status


def detail(client, auth, comment_id: str) -> dict:
    return client.get(f"{API}/comments/{comment_id}", headers=auth).get_json()


def test_each_comment_lists_the_actions_its_reader_may_take(app, client, auth, held):
    waiting, published = held(body="Still waiting."), held(body="Already out.")
    decide(client, auth, published, "approve")
    assert detail(client, auth, waiting)["actions"] == ["approve", "reject", "spam"]
    assert detail(client, auth, published)["actions"] == ["takedown"]
    queued = client.get(f"{API}/queue?site=news", headers=auth).get_json()["comments"]
    assert [c["actions"] for c in queued] == [["approve", "reject", "spam"]]


def test_a_moderators_refusal_offers_nothing_but_to_an_admin(app, client, auth, held):
    refused = held()
    decide(client, auth, refused, "reject")
    assert detail(client, auth, refused)["actions"] == []
    admin = moderator_headers(app, "chief", role="admin")
    assert detail(client, admin, refused)["actions"] == ["approve", "spam"]


def test_the_actions_endpoint_serves_the_table_the_review_page_draws(client, auth):
    served = client.get(f"{API}/actions", headers=auth).get_json()["actions"]
    assert [(a["name"], a["target"], a["key"]) for a in served] == [
        ("approve", "approved", "a"), ("reject", "rejected", "r"), ("spam", "spam", "s"),
        ("takedown", "rejected", "t")]
    assert all(a["label"] and a["done"] for a in served)


def test_a_new_action_is_one_row(app, client, auth, held, monkeypatch):
    """"Requeue" sends a comment marked as spam back to the queue: one row, nothing else."""
    requeue = Action("requeue", Status.HELD, frozenset({Status.SPAM}),
                     frozenset({Role.MODERATOR}), "Back to queue", "Requeued", "q")
    monkeypatch.setitem(lifecycle.ACTIONS, "requeue", requeue)
    monkeypatch.setitem(lifecycle.MODERATOR_ACTIONS, "requeue", requeue)
    comment_id = held()
    assert "requeue" not in detail(client, auth, comment_id)["actions"]
    assert decide(client, auth, comment_id, "requeue").status_code == 409
    decide(client, auth, comment_id, "spam")
    admin = moderator_headers(app, "chief", role="admin")
    assert "requeue" in detail(client, admin, comment_id)["actions"]
    response = decide(client, admin, comment_id, "requeue")
    assert (response.status_code, stored_status(app, comment_id)) == (200, "held")
    served = client.get(f"{API}/actions", headers=auth).get_json()["actions"]
    assert {"name": "requeue", "key": "q"}.items() <= served[-1].items()


@pytest.mark.parametrize("role, current, target", [
    (Role.AUTHOR, Status.HELD, Status.APPROVED),  # an author cannot publish their own
    (Role.MODERATOR, Status.DELETED, Status.APPROVED),  # nothing comes back from deleted
    (Role.MODEL, Status.APPROVED, Status.SPAM),  # scoring decides pending comments only
])
def test_a_move_no_action_allows_is_refused(role, current, target):
    assert not lifecycle.allowed(role, current, target)


def test_actors_are_written_and_read_in_one_format():
    assert str(lifecycle.Actor(Role.MODERATOR, "ann")) == "moderator:ann"
    assert lifecycle.Actor.parse("model:toxicity-2026.12") == lifecycle.Actor(
        Role.MODEL, "toxicity-2026.12")
    assert lifecycle.Actor.parse("author") == lifecycle.Actor(Role.AUTHOR)
    assert lifecycle.Actor.parse("somebody:else") is None
