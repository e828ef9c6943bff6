"""Two moderators deciding one comment at the same moment: exactly one wins, the other gets 409.

PostgreSQL only: SQLite serialises writers, so it cannot show the race.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from moderation.review import actions
from tests.conftest import moderator_headers

pytestmark = pytest.mark.postgres

DECISIONS = {"approve": "approved", "reject": "rejected", "spam": "spam"}


@pytest.fixture
def database_url(postgres_database) -> str:
    return postgres_database


@pytest.fixture
def site(premoderated_site) -> str:
    return premoderated_site


@pytest.fixture
def moderators(app, site) -> dict[str, dict]:
    return {name: moderator_headers(app, name) for name in ("alice", "bob")}


@pytest.fixture
def held_comments(post_comment) -> list[str]:
    ids = [post_comment(body=f"comment {n}").get_json() for n in range(10)]
    assert {c["status"] for c in ids} == {"held"}
    return [c["id"] for c in ids]


def race(app, comment_id: str, attempts: dict[str, tuple[dict, str]]) -> dict[str, object]:
    """Each moderator posts their decision from their own thread and client, released together."""
    barrier = threading.Barrier(len(attempts), timeout=10)
    responses: dict[str, object] = {}

    def attempt(name: str, headers: dict, decision: str) -> None:
        client = app.test_client()
        barrier.wait()
        responses[name] = client.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                                      json={"decision": decision}, headers=headers)

    threads = [threading.Thread(target=attempt, args=(name, headers, decision))
               for name, (headers, decision) in attempts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def moderator_log(app, comment_id: str) -> list[tuple[str, str]]:
    with app.app_context():
        return db.session.execute(
            select(StatusChange.actor, StatusChange.to_status).join(Comment)
            .where(Comment.public_id == comment_id, StatusChange.actor.like("moderator:%"))
        ).all()


def assert_one_winner(app, comment_id: str, responses: dict, decisions: dict[str, str]) -> None:
    statuses = {name: response.status_code for name, response in responses.items()}
    assert sorted(statuses.values()) == [200, 409], statuses
    winner = next(name for name, status in statuses.items() if status == 200)
    loser = next(name for name, status in statuses.items() if status == 409)
    assert responses[loser].get_json()["error"] == "conflict"
    expected = DECISIONS[decisions[winner]]
    assert responses[winner].get_json()["status"] == expected
    assert moderator_log(app, comment_id) == [(f"moderator:{winner}", expected)]
    with app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.public_id == comment_id))
        assert (stored.status, stored.decided_by) == (expected, f"moderator:{winner}")


@pytest.mark.parametrize("alice, bob", [("approve", "reject"), ("reject", "spam"),
                                        ("approve", "approve"), ("spam", "approve")])
def test_simultaneous_decisions_have_exactly_one_winner(app, moderators, held_comments,
                                                        alice, bob):
    decisions = {"alice": alice, "bob": bob}
    for comment_id in held_comments:
        responses = race(app, comment_id, {"alice": (moderators["alice"], alice),
                                           "bob": (moderators["bob"], bob)})
        assert_one_winner(app, comment_id, responses, decisions)


@pytest.mark.parametrize("alice, bob", [("approve", "reject"), ("reject", "approve"),
                                        ("spam", "spam")])
def test_both_read_the_comment_before_either_writes(app, monkeypatch, moderators,
                                                    held_comments, alice, bob):
    """The worst interleaving, forced: both saw it held; the row version stops the second."""
    both_read = threading.Barrier(2, timeout=10)
    change_status = actions.change_status

    def after_both_read(*args, **kwargs):
        both_read.wait()
        return change_status(*args, **kwargs)

    monkeypatch.setattr(actions, "change_status", after_both_read)
    decisions = {"alice": alice, "bob": bob}
    for comment_id in held_comments[:5]:
        responses = race(app, comment_id, {"alice": (moderators["alice"], alice),
                                           "bob": (moderators["bob"], bob)})
        assert_one_winner(app, comment_id, responses, decisions)
        both_read.reset()
