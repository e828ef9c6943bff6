"""No answer to a submission tells whether a guessed email wrote an existing comment (F-02)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from moderation.extensions import db
from moderation.orm import Comment
from moderation.sites import create_site
from tests.conftest import comment_payload

THREAD = "2026/12/harbour-bridge"
VICTIM, ATTACKER, ACCOMPLICE = "203.0.113.10", "198.51.100.66", "198.51.100.67"
PUBLISHED = "The bridge was late and over budget."


@pytest.fixture
def flood_site(app):
    with app.app_context():
        return create_site("flood", "Flood", ["https://flood.example"],
                           flood_interval_seconds=15).id


@pytest.fixture
def send(client):
    def post(site: str, ip: str, email: str, body: str):
        payload = comment_payload(site=site, thread=THREAD, author_email=email, body=body)
        return client.post("/api/v1/comments", json=payload, environ_base={"REMOTE_ADDR": ip})

    return post


def assert_alike(one, other) -> None:
    """Everything a submitter can compare: status, error body, Retry-After (which counts
    down, so two answers in a row may differ by the second that passed between them)."""
    assert (one.status_code, one.get_json()) == (other.status_code, other.get_json())
    waits = [int(response.headers.get("Retry-After", 0)) for response in (one, other)]
    assert abs(waits[0] - waits[1]) <= 1


def test_probe_pii_20_right_and_wrong_guesses_answer_alike(send, flood_site, backdate):
    """The audit's probe: arm the flood window, then post a published comment's exact text
    under a right and a wrong guess of its author's email."""
    assert send(flood_site, VICTIM, "victim@example.com", PUBLISHED).status_code == 202
    backdate(60)  # the victim's own flood window is long over
    assert send(flood_site, ATTACKER, "me@example.net", "Arming the flood.").status_code == 202
    wrong = send(flood_site, ATTACKER, "someone@example.com", PUBLISHED)
    right = send(flood_site, ATTACKER, "Victim@Example.com", f"  {PUBLISHED.upper()} ")
    assert_alike(wrong, right)
    assert right.status_code == 429


def test_a_guess_right_after_the_author_posted_answers_like_a_wrong_one(send, flood_site):
    """The author's own flood window does not follow their email to another address."""
    assert send(flood_site, VICTIM, "victim@example.com", PUBLISHED).status_code == 202
    right = send(flood_site, ATTACKER, "victim@example.com", "Who wrote that?")
    wrong = send(flood_site, ACCOMPLICE, "someone@example.com", "Who wrote that?")
    assert (right.status_code, wrong.status_code) == (202, 202)


def test_without_a_flood_window_both_guesses_are_accepted_and_stored(app, send, site):
    assert send(site, VICTIM, "victim@example.com", PUBLISHED).status_code == 202
    wrong = send(site, ATTACKER, "someone@example.com", PUBLISHED)
    right = send(site, ACCOMPLICE, "victim@example.com", PUBLISHED)
    assert (wrong.status_code, right.status_code) == (202, 202)
    assert set(wrong.get_json()) == set(right.get_json()) == {"id", "status", "author_token"}
    assert wrong.get_json()["status"] == right.get_json()["status"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 3
